package dev.tracklight.operators.annotation;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.highlights.NormalizedPoint;
import dev.tracklight.operators.highlights.RuleKind;
import dev.tracklight.operators.highlights.RuleState;
import java.util.List;
import java.util.Objects;

/**
 * Draws detections into video frames: boxes, labels (class, score, track id), a stable colour per
 * track, trails of recent centres per track, box blurring of chosen classes (privacy) and, when
 * given, the highlight rules' geometry and state ({@link RuleState}): zones with their occupancy,
 * lines with their in/out counts, and rules that are alerting in {@link #ALERT_RGB} with an
 * {@code ALERT} banner in the top-left corner ({@link AnnotationStyle#showRules()} turns it off).
 *
 * <p><b>Labels.</b> No label hides another: {@link LabelPlacer} moves a label that would overlap one
 * placed before it. Rule labels and the banner are placed first (they stay put from frame to
 * frame), then detection labels.
 *
 * <p><b>Ownership.</b> {@link #annotate} draws <em>into</em> the frame's pixel array, in place:
 * the caller must own the {@link BgrImage} exclusively (frames from the video reader do; copy a
 * frame that someone else still reads). Nothing about the frame is kept after the call.
 *
 * <p><b>State.</b> Per-track trails (bounded ring buffers, stale tracks evicted after
 * {@code trailLength} frames, see {@link TrackTrails}) keyed by the annotator's own frame counter,
 * so frames of one stream must go through one annotator, in order. Not thread-safe. The OpenCV
 * backend holds a native frame buffer: close the annotator when the stream ends.
 *
 * <p><b>Order.</b> Blur first (labels and boxes stay readable over a blurred person), then trails,
 * rule geometry, boxes and labels, so labels are never hidden under another object's outline.
 *
 * <p><b>Backends.</b> Measured with JMH {@code AnnotationBenchmark} (pipeline module): one
 * 1280x720 frame, 20 tracked moving boxes with labels (id, class, score) and 30-point trails,
 * {@code -f 1 -wi 3 -i 5}, on a 2-core machine shared with other builds (load 5-7, so errors are
 * wide; two runs shown):
 * <pre>
 *                         Java2D            OpenCV
 *   boxes+labels+trails   0.47 / 0.73 ms    1.18 / 1.10 ms
 *   + blur 10 persons     3.4  / 2.8  ms    4.6  / 2.5  ms   (31 px kernel, two passes)
 * </pre>
 * Java2D is the default: it draws straight into the frame's array, while OpenCV pays for two 2.7 MB
 * copies (in and out of a native Mat) per 720p frame plus a JNI call per primitive; with blurring the
 * two are within noise (OpenCV's SIMD blur against {@link BoxBlur}). OpenCV is kept because it is
 * cleanly selectable ({@link AnnotationBackend}) and renders Hershey text with no system fonts,
 * which matters in minimal containers where Java2D finds no font configuration.
 */
public final class FrameAnnotator implements AutoCloseable {

  /** The faster backend on the benchmark in the class header. */
  public static final AnnotationBackend DEFAULT_BACKEND = AnnotationBackend.JAVA2D;

  /** Colour of a rule that is alerting: the red viewers use for an active event. */
  public static final int ALERT_RGB = 0xE0202A;
  /** Colour of zones at rest: a cyan no track colour is close to ({@link TrackColors}). */
  static final int ZONE_RGB = 0x00C8FF;
  /** Colour of lines at rest: yellow, the usual colour of counting lines. */
  static final int LINE_RGB = 0xFFD400;

  private final AnnotationStyle style;
  private final ClassNames names;
  private final AnnotationBackend backend;
  private final FrameCanvas canvas;
  private final TrackTrails trails;
  private final boolean[] blurClass;
  private final int[] trailXs;
  private final int[] trailYs;
  private final StringBuilder label = new StringBuilder(48);
  private final LabelPlacer placer = new LabelPlacer();
  private int[] ruleXs = new int[16];
  private int[] ruleYs = new int[16];
  private long frameNumber;

  private FrameAnnotator(AnnotationStyle style, ClassNames names, AnnotationBackend backend) {
    this.style = Objects.requireNonNull(style, "style");
    this.names = Objects.requireNonNull(names, "names");
    this.backend = Objects.requireNonNull(backend, "backend");
    this.canvas = backend == AnnotationBackend.OPENCV
        ? new OpenCvCanvas(style.fontScale()) : new Java2dCanvas(style.fontScale());
    this.trails = style.trailLength() > 0 ? new TrackTrails(style.trailLength()) : null;
    int maxBlurClass = style.blurClasses().stream().mapToInt(Integer::intValue).max().orElse(-1);
    this.blurClass = new boolean[maxBlurClass + 1];
    style.blurClasses().forEach(id -> blurClass[id] = true);
    this.trailXs = new int[Math.max(1, style.trailLength())];
    this.trailYs = new int[Math.max(1, style.trailLength())];
  }

  /** An annotator on the {@link #DEFAULT_BACKEND}. */
  public static FrameAnnotator create(AnnotationStyle style, ClassNames names) {
    return create(style, names, DEFAULT_BACKEND);
  }

  public static FrameAnnotator create(AnnotationStyle style, ClassNames names,
      AnnotationBackend backend) {
    return new FrameAnnotator(style, names, backend);
  }

  public AnnotationBackend backend() {
    return backend;
  }

  public AnnotationStyle style() {
    return style;
  }

  /**
   * Draws {@code detections} (in {@code frame}'s pixel coordinates; boxes partly outside are
   * clipped, boxes entirely outside or degenerate are skipped) into {@code frame}, in place, and
   * advances the trails by one frame.
   */
  public void annotate(BgrImage frame, Detections detections) {
    annotate(frame, detections, List.of());
  }

  /**
   * As {@link #annotate(BgrImage, Detections)}, drawing the rules' geometry and state as well
   * (unless the style turns them off); {@code rules} empty draws none.
   */
  public void annotate(BgrImage frame, Detections detections, List<RuleState> rules) {
    frameNumber++;
    boolean drawRules = style.showRules() && !rules.isEmpty();
    if (trails != null) {
      trails.update(detections, frameNumber);
    }
    int n = detections.size();
    int maxX = frame.width() - 1;
    int maxY = frame.height() - 1;
    canvas.begin(frame);
    try {
      for (int i = 0; i < n; i++) {
        int c = detections.classId(i);
        if (c >= 0 && c < blurClass.length && blurClass[c] && visible(detections, i, maxX, maxY)) {
          canvas.blur(clip(detections.x1(i), maxX), clip(detections.y1(i), maxY),
              clip(detections.x2(i), maxX) + 1, clip(detections.y2(i), maxY) + 1, style.blurKernel());
        }
      }
      if (trails != null) {
        for (int i = 0; i < n; i++) {
          int id = detections.trackId(i);
          if (id != Detections.NO_TRACK) {
            int points = trails.points(id, trailXs, trailYs);
            if (points >= 2) {
              canvas.polyline(trailXs, trailYs, points, colorOf(detections, i), style.lineThickness());
            }
          }
        }
      }
      if (drawRules) {
        drawRuleGeometry(rules, maxX, maxY);
      }
      for (int i = 0; i < n; i++) {
        if (visible(detections, i, maxX, maxY)) {
          canvas.rectangle(clip(detections.x1(i), maxX), clip(detections.y1(i), maxY),
              clip(detections.x2(i), maxX), clip(detections.y2(i), maxY), colorOf(detections, i),
              style.lineThickness());
        }
      }
      placer.reset(frame.width(), frame.height());
      if (drawRules) {
        drawRuleLabels(rules, maxX, maxY);
      }
      if (style.showLabels()) {
        for (int i = 0; i < n; i++) {
          if (visible(detections, i, maxX, maxY) && buildLabel(detections, i)) {
            drawLabel(label.toString(), clip(detections.x1(i), maxX), clip(detections.y1(i), maxY),
                colorOf(detections, i));
          }
        }
      }
    } finally {
      canvas.end();
    }
  }

  private void drawLabel(String text, int anchorX, int anchorY, int rgb) {
    long at = placer.place(anchorX, anchorY, canvas.labelWidth(text), canvas.labelHeight());
    canvas.label(text, LabelPlacer.x(at), LabelPlacer.y(at), rgb);
  }

  private static int ruleColor(RuleState r) {
    return r.alerting() ? ALERT_RGB : r.kind() == RuleKind.LINE ? LINE_RGB : ZONE_RGB;
  }

  /** Zones as closed outlines, lines as segments; an alerting rule one pixel thicker. */
  private void drawRuleGeometry(List<RuleState> rules, int maxX, int maxY) {
    for (RuleState r : rules) {
      List<NormalizedPoint> g = r.geometry();
      if (g.size() < 2) {
        continue;
      }
      int points = r.isZone() ? g.size() + 1 : g.size();
      if (ruleXs.length < points) {
        ruleXs = new int[points];
        ruleYs = new int[points];
      }
      for (int k = 0; k < points; k++) {
        NormalizedPoint p = g.get(k % g.size());
        ruleXs[k] = clip((float) (p.x() * (maxX + 1)), maxX);
        ruleYs[k] = clip((float) (p.y() * (maxY + 1)), maxY);
      }
      int thickness = Math.min(AnnotationStyle.MAX_THICKNESS, style.lineThickness() + (r.alerting() ? 1 : 0));
      canvas.polyline(ruleXs, ruleYs, points, ruleColor(r), thickness);
    }
  }

  /**
   * The banner of alerting rules (top-left), then each geometric rule's label: a zone's name and
   * occupancy at its top-most vertex, a line's name and in/out counts at its middle.
   */
  private void drawRuleLabels(List<RuleState> rules, int maxX, int maxY) {
    for (RuleState r : rules) {
      if (r.alerting()) {
        drawLabel("ALERT " + r.rule(), 0, 0, ALERT_RGB);
      }
    }
    for (RuleState r : rules) {
      List<NormalizedPoint> g = r.geometry();
      if (g.size() < 2) {
        continue;
      }
      int ax;
      int ay;
      String text;
      if (r.isZone()) {
        NormalizedPoint top = g.get(0);
        for (NormalizedPoint p : g) {
          if (p.y() < top.y() || (p.y() == top.y() && p.x() < top.x())) {
            top = p;
          }
        }
        ax = clip((float) (top.x() * (maxX + 1)), maxX);
        ay = clip((float) (top.y() * (maxY + 1)), maxY);
        text = r.rule() + ": " + r.occupancy();
      } else {
        ax = clip((float) ((g.get(0).x() + g.get(1).x()) / 2 * (maxX + 1)), maxX);
        ay = clip((float) ((g.get(0).y() + g.get(1).y()) / 2 * (maxY + 1)), maxY);
        text = r.rule() + " in " + r.in() + " out " + r.out();
      }
      drawLabel(text, ax, ay, ruleColor(r));
    }
  }

  /** Labels drawn on the last frame, each {@code {x, y, w, h}} (for tests). */
  List<int[]> lastLabelRects() {
    List<int[]> list = new java.util.ArrayList<>(placer.count());
    for (int i = 0; i < placer.count(); i++) {
      list.add(placer.rect(i));
    }
    return list;
  }

  /**
   * Advances the trails by one frame of {@code detections} without drawing: a stream resumed from a
   * checkpoint replays its last {@link AnnotationStyle#trailLength()} frames' tracks through this,
   * so its first frames show the same trails as an uninterrupted run's.
   */
  public void replayTrails(Detections detections) {
    frameNumber++;
    if (trails != null) {
      trails.update(detections, frameNumber);
    }
  }

  /** The label {@link #annotate} draws for detection {@code i} ("" if the style shows none). */
  String labelText(Detections detections, int i) {
    return buildLabel(detections, i) ? label.toString() : "";
  }

  /** Tracks whose trails are currently remembered (for tests and metrics). */
  int rememberedTracks() {
    return trails == null ? 0 : trails.trackCount();
  }

  @Override
  public void close() {
    canvas.close();
  }

  private static int colorOf(Detections d, int i) {
    int id = d.trackId(i);
    return id != Detections.NO_TRACK ? TrackColors.forTrack(id) : TrackColors.forClass(d.classId(i));
  }

  /** Fills {@link #label}; false if the style leaves nothing to show for this detection. */
  private boolean buildLabel(Detections d, int i) {
    label.setLength(0);
    if (style.showTrackId() && d.trackId(i) != Detections.NO_TRACK) {
      label.append('#').append(d.trackId(i));
    }
    if (style.showClassName()) {
      separate();
      label.append(names.name(d.classId(i)));
    }
    if (style.showScore()) {
      // Two decimals without String.format: this runs for every box of every frame.
      int hundredths = Math.round(Math.max(0f, Math.min(1f, d.score(i))) * 100);
      separate();
      label.append(hundredths / 100).append('.').append((char) ('0' + hundredths % 100 / 10))
          .append((char) ('0' + hundredths % 10));
    }
    return label.length() > 0;
  }

  private void separate() {
    if (label.length() > 0) {
      label.append(' ');
    }
  }

  /** True if the box has positive area and overlaps the frame (NaN boxes are not visible). */
  private static boolean visible(Detections d, int i, int maxX, int maxY) {
    float x1 = d.x1(i);
    float y1 = d.y1(i);
    float x2 = d.x2(i);
    float y2 = d.y2(i);
    return x2 > x1 && y2 > y1 && x2 >= 0 && y2 >= 0 && x1 <= maxX && y1 <= maxY;
  }

  private static int clip(float v, int max) {
    int r = Math.round(v);
    return r < 0 ? 0 : Math.min(r, max);
  }
}
