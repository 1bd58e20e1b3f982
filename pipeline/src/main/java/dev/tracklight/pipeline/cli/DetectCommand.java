package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.connectors.media.ImageFiles;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.connectors.media.ImageReader;
import dev.tracklight.connectors.media.MediaKind;
import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.Detector;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ReplicatedDetector;
import dev.tracklight.inference.model.ModelRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight detect}: runs the detector on images and on chosen frames of videos.
 *
 * <p>Every input is checked (exists, readable, image or video, frames in range) before the model is
 * loaded, so a typo fails in milliseconds. Results for one source are printed only once that source
 * has been processed completely: a truncated video prints nothing for itself and fails the command,
 * rather than printing a partial list that looks complete. Inputs and {@code --model} may be
 * {@code s3://} objects (inputs also globs over keys): downloaded first, and named by their URI in
 * the output. The results go to stdout (detect writes no files).
 */
@Command(name = "detect", mixinStandardHelpOptions = true,
    description = "Detect objects in images, or in frames of videos.")
final class DetectCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "PATH",
      description = "Image or video files, or S3 objects and globs over keys (s3://bucket/frames/*.jpg).")
  List<String> paths;

  @Option(names = "--frames", split = ",", paramLabel = "N",
      description = "0-based frame indices of videos to detect on (default: every frame).")
  List<Long> frames = new ArrayList<>();

  @Option(names = "--json", description = "One JSON object per line per image or frame.")
  boolean json;

  @Mixin
  DetectorOptionsMixin detectorOptions;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private final ObjectMapper mapper = new ObjectMapper();

  /** A validated input: an image, or a video with the frames to read (empty = all); its name in output. */
  private record Source(Path path, MediaKind kind, String name) {}

  @Override
  public Integer call() throws java.io.IOException {
    try (Locations locations = Locations.fromEnvironment()) {
      List<Path> local = new ArrayList<>();
      java.util.Map<Path, String> names = new java.util.HashMap<>();
      for (String a : paths) {
        for (Path p : locations.videos(List.of(a))) {
          local.add(p);
          names.put(p, locations.origin(p).map(Object::toString).orElse(a));
        }
      }
      if (S3Uri.isS3(detectorOptions.model)) {
        detectorOptions.model = locations.file(detectorOptions.model).toString();
      }
      return detect(local, names);
    }
  }

  private int detect(List<Path> inputs, java.util.Map<Path, String> names) {
    TreeSet<Long> frameSet = new TreeSet<>();
    for (Long f : frames) {
      if (f < 0) {
        throw new InvalidInputException("--frames: frame index must be >= 0, got " + f);
      }
      frameSet.add(f);
    }
    List<Source> sources = new ArrayList<>();
    for (Path p : inputs) {
      String name = names.get(p);
      try {
        sources.add(probe(p, name, frameSet));
      } catch (InvalidInputException e) {
        // A downloaded input is known to the user by its S3 URI, not by this machine's scratch path.
        throw name.equals(p.toString()) ? e : new InvalidInputException(e.getMessage().replace(p.toString(), name), e);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Detector detector = ReplicatedDetector.open(detectorOptions.toOptions(), ModelRegistry.fromEnvironment())) {
      for (Source s : sources) {
        List<String> lines;
        if (s.kind() == MediaKind.IMAGE) {
          BgrImage image = ImageReader.read(s.path());
          lines = List.of(render(s.name(), image, detector.detect(image), detector.classNames()));
        } else {
          lines = detectVideo(s.path(), s.name(), frameSet, detector);
        }
        lines.forEach(out::println);
        out.flush();
      }
    }
    return 0;
  }

  private Source probe(Path p, String name, TreeSet<Long> frameSet) {
    MediaKind kind = ImageFiles.kindOf(p);
    if (kind == MediaKind.IMAGE) {
      if (!frameSet.isEmpty()) {
        throw new InvalidInputException(name + " is an image; --frames selects frames of videos"
            + " (expected video files, or no --frames)");
      }
    } else {
      // Opening probes the container: non-video files fail here, before the model loads.
      try (VideoReader reader = VideoReader.open(p, VideoReadOptions.defaults())) {
        long count = reader.info().frameCount();
        if (!frameSet.isEmpty() && reader.info().frameCount() > 0 && frameSet.last() >= count
            && isIndexed(reader)) {
          throw new InvalidInputException("frame " + frameSet.last() + " is past the end of " + name
              + " (" + count + " frames); expected indices in 0.." + (count - 1));
        }
      }
      kind = MediaKind.VIDEO;
    }
    return new Source(p, kind, name);
  }

  /** MP4/MOV frame counts come from the sample table and are exact; others are estimates. */
  private static boolean isIndexed(VideoReader reader) {
    return reader.info().container().contains("mp4");
  }

  private List<String> detectVideo(Path path, String name, TreeSet<Long> wanted, Detector detector) {
    List<String> lines = new ArrayList<>();
    int batchSize = Math.max(1, detectorOptions.maxBatch);
    List<VideoFrame> batch = new ArrayList<>(batchSize);
    long last = -1;
    try (VideoReader reader = VideoReader.open(path, VideoReadOptions.defaults())) {
      if (wanted.isEmpty()) {
        for (var f = reader.next(); f.isPresent(); f = reader.next()) {
          batch.add(f.get());
          last = f.get().index();
          if (batch.size() == batchSize) {
            flush(name, batch, detector, lines);
          }
        }
      } else {
        for (long index : wanted) {
          reader.seekToFrame(index);
          VideoFrame f = reader.next().orElseThrow(() -> new InvalidInputException("frame " + index
              + " is past the end of " + name + " (about " + reader.info().frameCount()
              + " frames); expected an index of a decodable frame"));
          batch.add(f);
          if (batch.size() == batchSize) {
            flush(name, batch, detector, lines);
          }
        }
      }
      flush(name, batch, detector, lines);
      if (reader.truncated()) {
        throw new InvalidInputException(name + " is truncated or corrupt after frame "
            + last + "; expected a complete video (nothing printed for it)");
      }
    }
    return lines;
  }

  private void flush(String name, List<VideoFrame> batch, Detector detector, List<String> lines) {
    if (batch.isEmpty()) {
      return;
    }
    List<BgrImage> images = batch.stream().map(VideoFrame::image).toList();
    List<Detections> results = detector.detect(images);
    for (int i = 0; i < batch.size(); i++) {
      lines.add(render(name + "#frame" + batch.get(i).index(), images.get(i), results.get(i),
          detector.classNames()));
    }
    batch.clear();
  }

  /** Boxes are clipped to the image: a detector's box may run past its edge. */
  private String render(String source, BgrImage image, Detections unclipped, ClassNames names) {
    Detections d = unclipped.clippedTo(image.width(), image.height());
    return json ? renderJson(source, image, d, names) : renderText(source, image, d, names);
  }

  private String renderJson(String source, BgrImage image, Detections d, ClassNames names) {
    ObjectNode root = mapper.createObjectNode();
    root.put("source", source);
    root.put("width", image.width());
    root.put("height", image.height());
    ArrayNode list = root.putArray("detections");
    for (int i = 0; i < d.size(); i++) {
      ObjectNode o = list.addObject();
      o.put("class", names.name(d.classId(i)));
      o.put("class_id", d.classId(i));
      o.put("score", round(d.score(i), 1000));
      ArrayNode box = o.putArray("box");
      box.add(round(d.x1(i), 10)).add(round(d.y1(i), 10)).add(round(d.x2(i), 10)).add(round(d.y2(i), 10));
    }
    return root.toString();
  }

  private static String renderText(String source, BgrImage image, Detections d, ClassNames names) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s (%dx%d): %d detection%s",
        source, image.width(), image.height(), d.size(), d.size() == 1 ? "" : "s"));
    for (int i = 0; i < d.size(); i++) {
      sb.append(String.format(Locale.ROOT, "%n  %-14s %.3f  [%.1f, %.1f, %.1f, %.1f]",
          names.name(d.classId(i)), d.score(i), d.x1(i), d.y1(i), d.x2(i), d.y2(i)));
    }
    return sb.toString();
  }

  private static double round(float v, int scale) {
    return Math.round((double) v * scale) / (double) scale;
  }
}
