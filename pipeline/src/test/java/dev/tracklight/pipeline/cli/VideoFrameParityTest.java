package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.video.VideoFrame;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.DetectionParity;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.ReferenceDetections;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.YoloDetector;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.model.ModelRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference detections of video frames (people_walking #170, the VP9 WebM #408, bottles #0):
 * our decoder + detector reproduce them within the agreed tolerance, for both models. The images of
 * the same reference files are covered in gpu-inference.
 */
class VideoFrameParityTest {

  @ParameterizedTest
  @CsvSource({"yolox-nano, yolox_nano_reference_detections.json",
      "yolov8n-int8, yolov8n_int8_reference_detections.json"})
  void videoFramesMatchReference(String model, String referenceFile) {
    Path root = TestAssets.root();
    ReferenceDetections ref = ReferenceDetections.load(TestAssets.file("reference/" + referenceFile));
    assertEquals(3, ref.videoFrames().size(), "reference video frames");
    List<String> problems = new ArrayList<>();
    DetectorOptions options = DetectorOptions.forModel(model).withDevice(DeviceSpec.CPU)
        .withConfidenceThreshold(0.30f);
    try (YoloDetector detector = YoloDetector.open(options, new ModelRegistry(root, root.resolve("no-cache")))) {
      for (Map.Entry<String, ReferenceDetections.Entry> e : ref.videoFrames().entrySet()) {
        String file = e.getKey().substring(0, e.getKey().indexOf('#'));
        ReferenceDetections.Entry expected = e.getValue();
        try (VideoReader reader = VideoReader.open(TestAssets.file("videos/" + file), VideoReadOptions.defaults())) {
          reader.seekToFrame(expected.frameIndex());
          VideoFrame frame = reader.next().orElseThrow();
          assertEquals(expected.frameIndex(), frame.index());
          assertEquals(expected.width(), frame.image().width(), file);
          assertEquals(expected.height(), frame.image().height(), file);
          Detections actual = detector.detect(frame.image());
          DetectionParity.DEFAULT.compare(expected.detections(), actual, detector.classNames())
              .forEach(p -> problems.add(e.getKey() + ": " + p));
        }
      }
    }
    assertTrue(problems.isEmpty(), model + " differs from the reference:\n" + String.join("\n", problems));
  }
}
