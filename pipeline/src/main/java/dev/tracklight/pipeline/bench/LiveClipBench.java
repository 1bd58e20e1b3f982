package dev.tracklight.pipeline.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.tracklight.connectors.clips.BufferedFrame;
import dev.tracklight.connectors.clips.ClipEncoder;
import dev.tracklight.connectors.clips.ClipLayout;
import dev.tracklight.connectors.clips.ClipRequest;
import dev.tracklight.connectors.clips.FrameRing;
import dev.tracklight.connectors.clips.LiveClipConfig;
import dev.tracklight.connectors.media.JpegCodec;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.annotation.FrameAnnotator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code tracklight bench clips}: what live clips cost, on a real 720p video.
 *
 * <ol>
 *   <li>Per frame on the task thread, as {@code LiveClipFunction} does it: copy the frame,
 *   annotate the copy (20 tracked boxes with labels and 30-point trails, moving), JPEG-encode it
 *   (ImageIO), add it to the ring. Every frame of the video is measured after a warm-up; p50 /
 *   mean / p99 per stage. OpenCV's {@code imencode} of the same annotated frame (with its copy into
 *   a native Mat, as {@code ImageWriter} did) is timed alongside, to compare the two encoders.</li>
 *   <li>Clip write time ({@link ClipEncoder#write}: thumbnail, JPEG decode, H.264 encode, rename)
 *   for a 10 s clip of those frames, all of them and every 5th (the hall video's 25 fps sampled
 *   at 5 fps, as a camera's {@code fps: 5} does), median of rounds.</li>
 * </ol>
 * Wall-clock times on whatever else the machine runs: compare runs on the same machine only.
 */
public final class LiveClipBench {

  /** Frames measured before timing starts: JIT, ImageIO and Java2D initialisation. */
  static final int WARMUP_FRAMES = 40;
  static final long CLIP_MS = 10_000;
  private static final int OBJECTS = 20;

  private LiveClipBench() {}

  /**
   * @param video a video of at least 10 s (the hall video: 13.6 s of 1280x720 at 25 fps)
   * @param rounds clip writes per variant
   * @param work an empty directory for the clips (deleted files afterwards)
   */
  public static Map<String, Object> run(Path video, int rounds, Path work) throws IOException {
    LiveClipConfig config = LiveClipConfig.defaults();
    List<BufferedFrame> buffered = new ArrayList<>();
    List<double[]> samples = new ArrayList<>(); // copy, annotate, encode, ring, total, opencv
    Random random = new Random(1);
    float[][] walk = startPositions(random);
    int width;
    int height;
    double fps;
    FrameRing ring = new FrameRing(60_000, LiveClipConfig.MAX_BUFFER_BYTES);
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults());
        FrameAnnotator annotator = FrameAnnotator.create(AnnotationStyle.defaults().withTrailLength(30),
            ClassNames.COCO);
        JpegCodec jpeg = JpegCodec.create(config.jpegQuality());
        IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, config.jpegQuality());
        BytePointer encoded = new BytePointer()) {
      width = reader.info().width();
      height = reader.info().height();
      fps = reader.info().fps();
      BgrImage scratch = BgrImage.allocate(width, height);
      for (var f = reader.next(); f.isPresent(); f = reader.next()) {
        VideoFrame frame = f.get();
        Detections boxes = step(walk, width, height);
        long t0 = System.nanoTime();
        System.arraycopy(frame.image().pixels(), 0, scratch.pixels(), 0, scratch.pixels().length);
        long t1 = System.nanoTime();
        annotator.annotate(scratch, boxes);
        long t2 = System.nanoTime();
        byte[] bytes = jpeg.encode(scratch);
        long t3 = System.nanoTime();
        BufferedFrame b = new BufferedFrame(frame.index(), frame.timestampMs(), bytes);
        ring.add(b);
        long t4 = System.nanoTime();
        try (Mat mat = new Mat(height, width, opencv_core.CV_8UC3)) {
          mat.data().put(scratch.pixels(), 0, scratch.pixels().length);
          imencode(".jpg", mat, encoded, params);
        }
        long t5 = System.nanoTime();
        buffered.add(b);
        if (frame.index() >= WARMUP_FRAMES) {
          samples.add(new double[] {ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t4 - t3), ms(t4 - t0),
              ms(t5 - t4)});
        }
      }
    }
    if (samples.isEmpty() || buffered.get(buffered.size() - 1).timestampMs() < CLIP_MS) {
      throw new IllegalArgumentException(video + " is too short: expected at least "
          + (CLIP_MS / 1000 + 2) + " s of video");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("video", video.toString());
    result.put("width", width);
    result.put("height", height);
    result.put("fps", fps);
    result.put("jpeg_quality", config.jpegQuality());
    result.put("frames_measured", samples.size());
    String[] stages = {"copy", "annotate", "jpeg_encode", "ring_add", "total", "jpeg_encode_opencv"};
    Map<String, Object> perFrame = new LinkedHashMap<>();
    for (int s = 0; s < stages.length; s++) {
      final int stage = s;
      perFrame.put(stages[s] + "_ms", stats(samples.stream().mapToDouble(v -> v[stage]).toArray()));
    }
    result.put("per_frame", perFrame);
    double meanBytes = buffered.stream().mapToInt(BufferedFrame::bytes).average().orElse(0);
    result.put("jpeg_bytes_mean", Math.round(meanBytes));
    result.put("buffer_mb_4_cameras_5fps_30s", round(4 * 5 * 30 * meanBytes / 1e6, 1));
    result.put("buffer_mb_1_camera_25fps_30s", round(25 * 30 * meanBytes / 1e6, 1));

    List<BufferedFrame> tenSeconds = buffered.stream().filter(b -> b.timestampMs() <= CLIP_MS).toList();
    List<BufferedFrame> atFive = new ArrayList<>();
    for (int i = 0; i < tenSeconds.size(); i += 5) { // a 25 fps camera sampled at fps: 5
      atFive.add(tenSeconds.get(i));
    }
    Map<String, Object> clips = new LinkedHashMap<>();
    clips.put("clip_10s_all_frames", clipWrites(tenSeconds, rounds, work, "full"));
    clips.put("clip_10s_every_5th_frame", clipWrites(atFive, rounds, work, "fifth"));
    result.put("clip_write", clips);
    return result;
  }

  private static Map<String, Object> clipWrites(List<BufferedFrame> frames, int rounds, Path work,
      String name) throws IOException {
    ClipLayout layout = ClipLayout.at(work);
    double[] millis = new double[rounds];
    ClipEncoder.Result last = null;
    long mp4Bytes = 0;
    for (int r = 0; r < rounds; r++) {
      String id = name + "-" + r;
      ClipRequest request = new ClipRequest("bench", id, frames, frames.get(frames.size() / 2).frameIndex(),
          layout.clip("bench", id), layout.thumbnail("bench", id));
      long t0 = System.nanoTime();
      try {
        last = ClipEncoder.write(request);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      millis[r] = ms(System.nanoTime() - t0);
      mp4Bytes = Files.size(request.clip());
      Files.delete(request.clip());
      Files.delete(request.thumbnail());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("frames", last.frames());
    m.put("frame_rate", last.frameRate());
    m.put("median_ms", round(median(millis), 1));
    m.put("rounds_ms", Arrays.stream(millis).map(v -> round(v, 1)).toArray());
    m.put("output_fps_per_s_of_wall", round(last.frames() / (median(millis) / 1000), 1));
    m.put("mp4_bytes", mp4Bytes);
    return m;
  }

  private static Map<String, Object> stats(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p50", round(sorted[(sorted.length - 1) / 2], 3));
    m.put("mean", round(Arrays.stream(values).average().orElse(0), 3));
    m.put("p99", round(sorted[(int) Math.ceil(0.99 * sorted.length) - 1], 3));
    return m;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** x, y, vx, vy per object. */
  private static float[][] startPositions(Random random) {
    float[][] w = new float[OBJECTS][4];
    for (float[] o : w) {
      o[0] = 100 + random.nextFloat() * 900;
      o[1] = 100 + random.nextFloat() * 400;
      o[2] = (2 + random.nextFloat() * 4) * (random.nextBoolean() ? 1 : -1);
      o[3] = (2 + random.nextFloat() * 4) * (random.nextBoolean() ? 1 : -1);
    }
    return w;
  }

  /** Moves the 20 tracked 60x150 boxes one frame, bouncing off the edges. */
  private static Detections step(float[][] walk, int width, int height) {
    float[] boxes = new float[4 * OBJECTS];
    float[] scores = new float[OBJECTS];
    int[] classes = new int[OBJECTS];
    int[] ids = new int[OBJECTS];
    for (int i = 0; i < OBJECTS; i++) {
      float[] o = walk[i];
      o[0] += o[2];
      o[1] += o[3];
      if (o[0] < 0 || o[0] + 60 > width) {
        o[2] = -o[2];
      }
      if (o[1] < 0 || o[1] + 150 > height) {
        o[3] = -o[3];
      }
      boxes[4 * i] = o[0];
      boxes[4 * i + 1] = o[1];
      boxes[4 * i + 2] = o[0] + 60;
      boxes[4 * i + 3] = o[1] + 150;
      scores[i] = 0.5f + i / 50f;
      ids[i] = i + 1;
    }
    return Detections.of(boxes, scores, classes, ids);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
