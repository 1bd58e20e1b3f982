package dev.tracklight.operators.mot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.inference.Detections;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MotSequenceRunnerTest {

  @TempDir
  Path tmp;

  @Test
  void framesWithoutDetectionsDoNotAgeTracksLikeTheOriginalEvaluation() throws IOException {
    // A still person in frames 1-3, nothing in frames 4-60 (longer than the 30-frame buffer), then
    // again in frames 61-62. The original skips empty frames, so the track is simply continued.
    StringBuilder sb = new StringBuilder();
    for (int f : new int[] {1, 2, 3, 61, 62}) {
      sb.append(f).append(",-1,100,100,40,100,0.9,-1,-1,-1\n");
    }
    MotDetectionFile dets = MotDetectionFile.read(Files.writeString(tmp.resolve("d.txt"), sb));
    Detections[] out = MotSequenceRunner.run(dets, ByteTrackConfig.defaults(), 70);
    assertEquals(71, out.length);
    assertArrayEquals(new int[] {1}, out[3].trackIds());
    assertEquals(0, out[30].size()); // no update, no output
    assertArrayEquals(new int[] {1}, out[61].trackIds());
    assertArrayEquals(new int[] {1}, out[62].trackIds());
    assertEquals(0, out[70].size());
  }
}
