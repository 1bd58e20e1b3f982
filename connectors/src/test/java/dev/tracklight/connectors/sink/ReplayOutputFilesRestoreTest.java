package dev.tracklight.connectors.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracklight.connectors.files.StagedFile;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.annotation.AnnotationStyle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that fails half-way keeps the checkpoint's staged lines for the next attempt; deleting
 * them would leave every later attempt with "has 0 bytes but the checkpoint recorded ...". (The
 * same message ended TaskManagerLossIT for another reason: a video published before the checkpoint
 * after its end completed; see {@link ReplayPublicationTest}.)
 */
class ReplayOutputFilesRestoreTest {

  @Test
  void aFailedRestoreLeavesTheStagedLinesForTheNextAttempt(@TempDir Path dir) throws Exception {
    ReplayOutputs outputs = new ReplayOutputs(dir.resolve("cam"));
    Files.createDirectories(outputs.dir());
    byte[] lines = "{\"frame\":0,\"tracks\":[]}\n{\"frame\":1,\"tracks\":[]}\n".getBytes(StandardCharsets.UTF_8);
    Path json = StagedFile.resumableName(outputs.tracksJsonl());
    Path mot = StagedFile.resumableName(outputs.tracksMot());
    Files.write(json, lines);
    Files.write(mot, new byte[10]);
    // The MOT staging is shorter than the checkpoint says: this restore must fail, after the
    // tracks.jsonl staging was already reopened.
    ReplayProgressState state = new ReplayProgressState("cam", 0, lines.length, 50, 0, Map.of(), 0);
    assertThrows(RuntimeException.class, () -> ReplayOutputFiles.resume(outputs, 64, 48, FrameRate.of(10),
        ClassNames.COCO, AnnotationStyle.defaults(), state));
    assertArrayEquals(lines, Files.readAllBytes(json), "the staged tracks.jsonl is kept, byte for byte");
    assertArrayEquals(new byte[10], Files.readAllBytes(mot), "the staged MOT file is kept");
  }
}
