package dev.tracklight.connectors.video;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a shorter keyframe interval costs a replay's annotated video: encodes a video with
 * {@link VideoWriter} at each interval (default 2 s, and the replay's 1 s), interleaving the
 * intervals round by round (load on a shared machine drifts), and prints one JSON object: per
 * interval the file size and the median encode time (only the writer's calls are timed; decoding
 * the source is not), and the ratios to the first interval. Not a test: run it by hand, e.g. from
 * the connectors module with the test class path:
 *
 * <pre>java -cp target/classes:target/test-classes:... dev.tracklight.connectors.video.KeyframeIntervalCost
 *     /path/persons_one_by_one_432p.mp4 [rounds] [interval_s...]</pre>
 */
public final class KeyframeIntervalCost {

  private KeyframeIntervalCost() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: KeyframeIntervalCost VIDEO [rounds] [interval_s...]");
      System.exit(2);
    }
    Path video = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<Double> intervals = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      intervals.add(Double.parseDouble(args[i]));
    }
    if (intervals.isEmpty()) {
      intervals = List.of(VideoWriteOptions.DEFAULT_KEYFRAME_INTERVAL_SECONDS, 1.0);
    }
    Path dir = Files.createTempDirectory("keyframe-cost");
    Map<Double, List<Long>> nanos = new LinkedHashMap<>();
    Map<Double, Long> bytes = new LinkedHashMap<>();
    long frames = 0;
    String size = "";
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < intervals.size(); k++) {
        double interval = intervals.get((k + r) % intervals.size()); // rotate the order per round
        Path out = dir.resolve("gop-" + interval + ".mp4");
        long spent = 0;
        frames = 0;
        try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults().withDecoderThreads(1))) {
          VideoInfo info = reader.info();
          size = info.width() + "x" + info.height() + "@" + info.frameRate();
          long t = System.nanoTime();
          VideoWriter writer = VideoWriter.create(out, info.width(), info.height(),
              VideoWriteOptions.h264(info.frameRate()).withPadToEven().withKeyframeInterval(interval));
          spent += System.nanoTime() - t;
          for (var f = reader.next(); f.isPresent(); f = reader.next()) {
            t = System.nanoTime();
            writer.write(f.get().image());
            spent += System.nanoTime() - t;
            frames++;
          }
          t = System.nanoTime();
          writer.close();
          spent += System.nanoTime() - t;
        }
        nanos.computeIfAbsent(interval, i -> new ArrayList<>()).add(spent);
        bytes.put(interval, Files.size(out));
        Files.delete(out);
      }
    }
    Files.delete(dir);
    double base = intervals.get(0);
    StringBuilder json = new StringBuilder();
    json.append(String.format(Locale.ROOT, "{\"video\": \"%s\", \"format\": \"%s\", \"frames\": %d,"
        + " \"rounds\": %d, \"intervals\": [", video.getFileName(), size, frames, rounds));
    for (int k = 0; k < intervals.size(); k++) {
      double i = intervals.get(k);
      double ms = median(nanos.get(i)) / 1e6;
      json.append(String.format(Locale.ROOT, "%s{\"keyframe_interval_s\": %s, \"bytes\": %d,"
          + " \"encode_ms_median\": %.0f, \"encode_fps\": %.1f, \"size_ratio\": %.4f,"
          + " \"time_ratio\": %.4f}", k == 0 ? "" : ", ", i, bytes.get(i), ms, frames / (ms / 1000),
          (double) bytes.get(i) / bytes.get(base), ms * 1e6 / median(nanos.get(base))));
    }
    System.out.println(json.append("]}"));
  }

  private static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
