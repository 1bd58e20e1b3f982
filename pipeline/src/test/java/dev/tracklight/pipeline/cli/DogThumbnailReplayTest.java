package dev.tracklight.pipeline.cli;

import static dev.tracklight.pipeline.testing.VideoFrames.frame;
import static dev.tracklight.pipeline.testing.VideoFrames.mae;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.media.ImageReader;
import dev.tracklight.connectors.media.Thumbnails;
import dev.tracklight.connectors.sink.ReplayOutputs;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklight replay --rules} on the golden-retriever clip with an appearance rule for dogs:
 * every highlight's thumbnail shows the dog. The thumbnail's reference frame is the video frame of
 * the highlight's peak: the replay's tracks have a dog box there, the detector run afresh on that
 * source frame finds the dog at that box, and the thumbnail is exactly that frame of the annotated
 * video (scaled to thumbnail width: within JPEG error of it, and farther from its neighbour, the
 * pixel check of {@link ReplayHighlightMediaCommandTest}). The detector is not run on
 * the thumbnail itself: the drawn box and label over the dog drop its score (0.86 to 0.23 measured),
 * which says nothing about the thumbnail.
 */
class DogThumbnailReplayTest {

  private static final int DOG = 16;

  @TempDir
  Path tmp;

  @Test
  void dogHighlightThumbnailsShowTheDog() throws Exception {
    Path rules = Files.writeString(tmp.resolve("rules.yaml"), "rules:\n  - {type: appearance, name:"
        + " dog-arrives, classes: [dog], min_absence_seconds: 1.0}\n");
    Path video = TestAssets.file("videos/dog_golden_retriever_swimming_360x204_h264.mp4");
    CliRun run = CliRun.of("replay", video.toString(), "--out", tmp.resolve("out").toString(),
        "--fps", "4", "--rules", rules.toString(), "--reel-seconds", "0");
    assertEquals(0, run.exitCode(), run.err());
    ReplayOutputs o = new ReplayOutputs(tmp.resolve("out/dog_golden_retriever_swimming_360x204_h264"));
    ObjectMapper json = new ObjectMapper();
    JsonNode highlights = json.readTree(o.highlightsJson().toFile()).get("highlights");
    assertFalse(highlights.isEmpty(), "the dog is in most of the clip");
    List<String> tracks = Files.readAllLines(o.tracksJsonl());
    Path root = TestAssets.root();
    try (YoloDetector detector = YoloDetector.open(
        DetectorOptions.forModel("yolox-nano").withDevice(DeviceSpec.CPU).withConfidenceThreshold(0.25f),
        new ModelRegistry(root, root.resolve("no-cache")))) {
      for (JsonNode h : highlights) {
        assertEquals(List.of("dog"), List.of(h.get("classes").get(0).asText()), h.toString());
        long peak = h.get("peak_frame").asLong();
        JsonNode peakLine = tracks.stream().map(l -> read(json, l))
            .filter(l -> l.get("frame").asLong() == peak).findFirst().orElseThrow();
        boolean dogTrack = false;
        for (JsonNode t : peakLine.get("tracks")) {
          dogTrack |= t.get("class").asText().equals("dog");
        }
        assertTrue(dogTrack, "a dog box at the peak frame of " + h + ": " + peakLine);
        JsonNode box = null;
        for (JsonNode t : peakLine.get("tracks")) {
          if (t.get("class").asText().equals("dog")) {
            box = t.get("box");
          }
        }
        BgrImage source = frame(video, peak);
        Detections found = detector.detect(source);
        double best = 0;
        for (int i = 0; i < found.size(); i++) {
          if (found.classId(i) == DOG) {
            best = Math.max(best, iou(box, found.x1(i), found.y1(i), found.x2(i), found.y2(i)));
          }
        }
        assertTrue(best >= 0.5, "the detector finds the dog at the tracked box in frame " + peak + ": " + best);
        // The pixel check of ReplayHighlightMediaCommandTest: the thumbnail is the annotated
        // video's frame at the peak's position (within JPEG error), and not its neighbour.
        int position = -1;
        for (int p = 0; p < tracks.size() && position < 0; p++) {
          if (read(json, tracks.get(p)).get("frame").asLong() == peak) {
            position = p;
          }
        }
        BgrImage thumb = ImageReader.read(o.dir().resolve(h.get("thumbnail").asText()));
        assertEquals(Thumbnails.MAX_WIDTH, thumb.width(), "a thumbnail of the 360 px frame");
        double exact = mae(thumb, Thumbnails.fit(frame(o.annotatedVideo(), position)));
        // Rippling water scaled 360 -> 320 px keeps much detail per pixel: JPEG error ~3 levels.
        assertTrue(exact < 4.0, "thumbnail of " + h.get("id") + " = annotated frame " + position
            + ": " + exact);
        long neighbour = position > 0 ? position - 1 : position + 1;
        assertTrue(exact < mae(thumb, Thumbnails.fit(frame(o.annotatedVideo(), neighbour))),
            "thumbnail of " + h.get("id") + " is frame " + position + ", not " + neighbour);
      }
    }
  }

  private static double iou(JsonNode box, float x1, float y1, float x2, float y2) {
    double ax1 = box.get(0).asDouble();
    double ay1 = box.get(1).asDouble();
    double ax2 = box.get(2).asDouble();
    double ay2 = box.get(3).asDouble();
    double iw = Math.max(0, Math.min(ax2, x2) - Math.max(ax1, x1));
    double ih = Math.max(0, Math.min(ay2, y2) - Math.max(ay1, y1));
    double inter = iw * ih;
    return inter / ((ax2 - ax1) * (ay2 - ay1) + (x2 - x1) * (y2 - y1) - inter);
  }

  private static JsonNode read(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
