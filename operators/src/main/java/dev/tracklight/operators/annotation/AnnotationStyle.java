package dev.tracklight.operators.annotation;

import dev.tracklight.inference.InvalidInputException;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link FrameAnnotator} draws. Validated on construction: a bad value fails here, with one
 * line naming the field, the value and the allowed range, not as a garbled frame later.
 *
 * @param lineThickness box and trail line width in pixels, 1..{@value #MAX_THICKNESS}
 * @param fontScale label text size; 1.0 is about 22 px tall, (0, {@value #MAX_FONT_SCALE}]
 * @param showLabels draw a label above each box (the three flags below choose its parts)
 * @param showClassName put the class name in the label
 * @param showScore put the confidence (two decimals) in the label
 * @param showTrackId put {@code #id} in the label for tracked detections
 * @param trailLength recent centres remembered and drawn per track; 0 disables trails,
 *     at most {@value #MAX_TRAIL_LENGTH}. A track unseen for this many frames is forgotten.
 * @param blurClasses class ids whose boxes are blurred (privacy), e.g. {@code person}
 * @param blurKernel box-blur window in pixels, odd, 3..{@value #MAX_BLUR_KERNEL}; a window of
 *     about a fifth of a face's width makes it unrecognisable
 * @param showRules draw the highlight rules' zones (with occupancy), lines (with in/out counts)
 *     and alert state when the frame comes with them
 */
public record AnnotationStyle(int lineThickness, double fontScale, boolean showLabels,
    boolean showClassName, boolean showScore, boolean showTrackId, int trailLength,
    Set<Integer> blurClasses, int blurKernel, boolean showRules) implements java.io.Serializable {

  /** Thicker lines than this hide the object they outline, even at 4K. */
  public static final int MAX_THICKNESS = 32;
  /** Larger text covers most of a 1080p frame with a single label. */
  public static final double MAX_FONT_SCALE = 8.0;
  /** About 40 s at 25 fps; longer trails turn into clutter and cost memory per track. */
  public static final int MAX_TRAIL_LENGTH = 1000;
  /** Beyond this the blur is no stronger in practice (faces are gone at 1/5 of their width). */
  public static final int MAX_BLUR_KERNEL = 255;

  public AnnotationStyle {
    Objects.requireNonNull(blurClasses, "blurClasses");
    if (lineThickness < 1 || lineThickness > MAX_THICKNESS) {
      throw new InvalidInputException("annotation line thickness must be 1.." + MAX_THICKNESS
          + " px, got " + lineThickness);
    }
    if (!(fontScale > 0) || fontScale > MAX_FONT_SCALE) {
      throw new InvalidInputException("annotation font scale must be in (0, " + MAX_FONT_SCALE
          + "], got " + fontScale);
    }
    if (trailLength < 0 || trailLength > MAX_TRAIL_LENGTH) {
      throw new InvalidInputException("trail length must be 0.." + MAX_TRAIL_LENGTH
          + " frames, got " + trailLength);
    }
    if (blurKernel < 3 || blurKernel > MAX_BLUR_KERNEL || blurKernel % 2 == 0) {
      throw new InvalidInputException("blur kernel must be odd and in 3.." + MAX_BLUR_KERNEL
          + " px, got " + blurKernel);
    }
    for (Integer id : blurClasses) {
      if (id == null || id < 0) {
        throw new InvalidInputException("blur classes must be class ids >= 0, got " + blurClasses);
      }
    }
    blurClasses = Set.copyOf(blurClasses);
  }

  /** The style without {@code showRules}, which is on. */
  public AnnotationStyle(int lineThickness, double fontScale, boolean showLabels,
      boolean showClassName, boolean showScore, boolean showTrackId, int trailLength,
      Set<Integer> blurClasses, int blurKernel) {
    this(lineThickness, fontScale, showLabels, showClassName, showScore, showTrackId, trailLength,
        blurClasses, blurKernel, true);
  }

  /** 2 px lines, labels with class, score and id, 30-frame trails, no blurring, rules drawn. */
  public static AnnotationStyle defaults() {
    return new AnnotationStyle(2, 0.6, true, true, true, true, 30, Set.of(), 31, true);
  }

  /** The same style drawing the rules' geometry and state, or not. */
  public AnnotationStyle withRules(boolean show) {
    return new AnnotationStyle(lineThickness, fontScale, showLabels, showClassName, showScore,
        showTrackId, trailLength, blurClasses, blurKernel, show);
  }

  public AnnotationStyle withLineThickness(int px) {
    return new AnnotationStyle(px, fontScale, showLabels, showClassName, showScore, showTrackId,
        trailLength, blurClasses, blurKernel, showRules);
  }

  public AnnotationStyle withFontScale(double scale) {
    return new AnnotationStyle(lineThickness, scale, showLabels, showClassName, showScore,
        showTrackId, trailLength, blurClasses, blurKernel, showRules);
  }

  public AnnotationStyle withoutLabels() {
    return new AnnotationStyle(lineThickness, fontScale, false, showClassName, showScore,
        showTrackId, trailLength, blurClasses, blurKernel, showRules);
  }

  public AnnotationStyle withTrailLength(int frames) {
    return new AnnotationStyle(lineThickness, fontScale, showLabels, showClassName, showScore,
        showTrackId, frames, blurClasses, blurKernel, showRules);
  }

  /** Blur boxes of these classes with a {@code kernel}-pixel box blur. */
  public AnnotationStyle withBlur(Set<Integer> classIds, int kernel) {
    return new AnnotationStyle(lineThickness, fontScale, showLabels, showClassName, showScore,
        showTrackId, trailLength, classIds, kernel, showRules);
  }
}
