package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.TestAssets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracklight detect}: the JSON contract and every kind of bad input. */
class DetectCommandTest {

  @TempDir
  Path tmp;

  @Test
  void jsonLinesForImagesAndVideoFrames() throws IOException {
    Path dog = TestAssets.file("images/dog.jpg");
    Path video = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    CliRun run = CliRun.of("detect", dog.toString(), "--json", "--conf", "0.3");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode image = new ObjectMapper().readTree(run.out().strip());
    assertEquals(dog.toString(), image.get("source").asText());
    assertEquals(768, image.get("width").asInt());
    assertEquals(576, image.get("height").asInt());
    JsonNode first = image.get("detections").get(0);
    assertEquals("dog", first.get("class").asText());
    assertEquals(16, first.get("class_id").asInt());
    assertEquals(0.855, first.get("score").asDouble(), 0.03);
    assertEquals(4, first.get("box").size());
    assertEquals(132.8, first.get("box").get(0).asDouble(), 3.0);

    run = CliRun.of("detect", video.toString(), "--frames", "170,0", "--json", "--classes", "person");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().strip().lines().toList();
    assertEquals(2, lines.size(), run.out());
    JsonNode f0 = new ObjectMapper().readTree(lines.get(0));
    JsonNode f170 = new ObjectMapper().readTree(lines.get(1));
    assertEquals(video + "#frame0", f0.get("source").asText());
    assertEquals(video + "#frame170", f170.get("source").asText());
    assertTrue(f170.get("detections").size() >= 15, "persons in frame 170: " + f170);
    f170.get("detections").forEach(d -> assertEquals("person", d.get("class").asText()));
  }

  /** horses.jpg: YOLOX puts a horse's box at x1 = -0.8; what the user sees stays in the image. */
  @Test
  void boxesStayInsideTheImage() throws IOException {
    Path horses = TestAssets.file("images/horses.jpg");
    CliRun run = CliRun.of("detect", horses.toString(), "--json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode image = new ObjectMapper().readTree(run.out().strip());
    int w = image.get("width").asInt();
    int h = image.get("height").asInt();
    int onTheEdge = 0;
    for (JsonNode d : image.get("detections")) {
      JsonNode b = d.get("box");
      assertTrue(b.get(0).asDouble() >= 0 && b.get(1).asDouble() >= 0 && b.get(2).asDouble() <= w
          && b.get(3).asDouble() <= h, "box outside " + w + "x" + h + ": " + d);
      onTheEdge += b.get(0).asDouble() == 0 ? 1 : 0;
    }
    assertTrue(onTheEdge >= 1, "the horse at the left edge is clipped to x1 = 0: " + run.out());
    CliRun text = CliRun.of("detect", horses.toString());
    assertTrue(text.out().contains("[0.0, "), text.out());
    assertTrue(!text.out().contains("[-"), text.out());
  }

  @Test
  void humanReadableOutput() {
    CliRun run = CliRun.of("detect", TestAssets.file("images/dog.jpg").toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("(768x576): "), run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.trim().startsWith("dog ")), run.out());
  }

  @Test
  void missingFile() {
    assertBadInput("not found", "detect", tmp.resolve("nope.mp4").toString());
  }

  @Test
  void zeroByteFile() throws IOException {
    assertBadInput("empty", "detect", Files.createFile(tmp.resolve("empty.mp4")).toString());
  }

  @Test
  void nonVideoFile() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "this is not a video\n".repeat(50));
    assertBadInput("not a video", "detect", text.toString());
  }

  @Test
  void imageGivenWhereVideoFramesAreExpected() {
    assertBadInput("is an image", "detect", TestAssets.file("images/dog.jpg").toString(), "--frames", "3");
  }

  @Test
  void frameIndexPastTheEnd() {
    assertBadInput("past the end", "detect",
        TestAssets.file("videos/people_walking_overhead_720p.mp4").toString(), "--frames", "341");
  }

  @Test
  void truncatedVideoPrintsNothingAndFails() throws IOException {
    Path source = TestAssets.file("videos/people_walking_overhead_720p.mp4");
    Path cut = tmp.resolve("cut.mp4");
    try (InputStream in = Files.newInputStream(source)) {
      Files.write(cut, in.readNBytes((int) (Files.size(source) * 0.4)));
    }
    CliRun run = assertBadInput("truncated", "detect", cut.toString(), "--json", "--classes", "person");
    assertEquals("", run.out(), "no partial result may be printed for a truncated video");
  }

  /**
   * {@code --input-shape fit}: the 16:9 frame through the model at a fitted size finds the crowd
   * of the square run again (same count within 2, every person box of the square matched by one
   * of the fitted run); a misspelt shape is bad input.
   */
  @Test
  void fittedInputShapeFindsTheSamePersons() throws IOException {
    String video = TestAssets.file("videos/people_walking_overhead_720p.mp4").toString();
    CliRun square = CliRun.of("detect", video, "--frames", "170", "--json", "--classes", "person");
    CliRun fit = CliRun.of("detect", video, "--frames", "170", "--json", "--classes", "person",
        "--input-shape", "fit");
    assertEquals(0, square.exitCode(), square.err());
    assertEquals(0, fit.exitCode(), fit.err());
    JsonNode a = new ObjectMapper().readTree(square.out().strip()).get("detections");
    JsonNode b = new ObjectMapper().readTree(fit.out().strip()).get("detections");
    assertTrue(a.size() >= 15, "persons: " + a.size());
    assertTrue(Math.abs(a.size() - b.size()) <= 2, a.size() + " vs " + b.size());
    int matched = 0;
    for (JsonNode d : a) {
      for (JsonNode e : b) {
        if (iou(d.get("box"), e.get("box")) >= 0.8) {
          matched++;
          break;
        }
      }
    }
    assertTrue(matched >= a.size() - 2, matched + " of " + a.size() + " matched");
    assertBadInput("unknown input shape 'round'", "detect", video, "--input-shape", "round");
  }

  private static double iou(JsonNode a, JsonNode b) {
    double x1 = Math.max(a.get(0).asDouble(), b.get(0).asDouble());
    double y1 = Math.max(a.get(1).asDouble(), b.get(1).asDouble());
    double x2 = Math.min(a.get(2).asDouble(), b.get(2).asDouble());
    double y2 = Math.min(a.get(3).asDouble(), b.get(3).asDouble());
    double inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    double areaA = (a.get(2).asDouble() - a.get(0).asDouble()) * (a.get(3).asDouble() - a.get(1).asDouble());
    double areaB = (b.get(2).asDouble() - b.get(0).asDouble()) * (b.get(3).asDouble() - b.get(1).asDouble());
    return inter / (areaA + areaB - inter);
  }

  @Test
  void modelFileThatIsNotAModel() {
    Path jpg = TestAssets.file("images/dog.jpg");
    assertBadInput("", "detect", jpg.toString(), "--model", jpg.toString(), "--engine", "onnxruntime");
  }

  @Test
  void unsupportedOutputLayout() {
    // YOLOX's [1,3549,85] read as Ultralytics' [B,4+nc,N] does not fit: a clear error, no guess.
    assertBadInput("", "detect", TestAssets.file("images/dog.jpg").toString(), "--family", "ultralytics");
  }

  @Test
  void unknownClassName() {
    assertBadInput("unknown class 'unicorn'", "detect", TestAssets.file("images/dog.jpg").toString(),
        "--classes", "person,unicorn");
  }

  @Test
  void thresholdsOutOfRange() {
    String dog = TestAssets.file("images/dog.jpg").toString();
    assertBadInput("between 0 and 1", "detect", dog, "--conf", "-0.1");
    assertBadInput("between 0 and 1", "detect", dog, "--conf", "1.5");
    assertBadInput("between 0 and 1", "detect", dog, "--iou", "2");
  }

  @Test
  void gpuRequestedWithoutOne() {
    assertBadInput("GPU", "detect", TestAssets.file("images/dog.jpg").toString(), "--device", "gpu");
    assertBadInput("GPU", "detect", TestAssets.file("images/dog.jpg").toString(), "--device", "gpu:1");
  }

  @Test
  void unknownModelName() {
    assertBadInput("unknown model", "detect", TestAssets.file("images/dog.jpg").toString(), "--model", "yolo-huge");
  }

  private static CliRun assertBadInput(String expectedText, String... args) {
    CliRun run = CliRun.of(args);
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), "exit code; stderr: " + run.err());
    assertTrue(run.errIsOneLine(), "one error line, got:\n" + run.err());
    assertTrue(run.err().startsWith("error: "), run.err());
    assertTrue(run.err().contains(expectedText), "expected '" + expectedText + "' in: " + run.err());
    return run;
  }
}
