package dev.tracklight.operators.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteTrackerStateTest {

  /** Synthetic scene: objects moving with noise, misses, low-score frames and clutter. */
  private static List<Detections> syntheticScene(int frames, int objects, long seed) {
    Random rnd = new Random(seed);
    double[][] pos = new double[objects][4];
    for (double[] p : pos) {
      p[0] = rnd.nextDouble() * 1800;
      p[1] = rnd.nextDouble() * 900;
      p[2] = (rnd.nextDouble() - 0.5) * 8;
      p[3] = (rnd.nextDouble() - 0.5) * 4;
    }
    List<Detections> out = new ArrayList<>();
    for (int f = 0; f < frames; f++) {
      List<float[]> rows = new ArrayList<>();
      for (double[] p : pos) {
        p[0] += p[2];
        p[1] += p[3];
        if (rnd.nextDouble() < 0.1) {
          continue;
        }
        float s = (float) (rnd.nextDouble() < 0.2 ? 0.1 + 0.4 * rnd.nextDouble()
            : 0.6 + 0.4 * rnd.nextDouble());
        rows.add(new float[] {(float) (p[0] + rnd.nextGaussian()), (float) (p[1] + rnd.nextGaussian()),
            (float) (p[0] + 50 + rnd.nextGaussian()), (float) (p[1] + 120 + rnd.nextGaussian()), s});
      }
      float[] boxes = new float[4 * rows.size()];
      float[] scores = new float[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, boxes, 4 * i, 4);
        scores[i] = rows.get(i)[4];
      }
      out.add(Detections.of(boxes, scores, new int[rows.size()]));
    }
    return out;
  }

  private static void assertResumesIdentically(ByteTrackConfig cfg, List<Detections> frames,
      int snapshotAt) {
    ByteTracker straight = new ByteTracker(cfg);
    List<Detections> expected = new ArrayList<>();
    for (Detections d : frames) {
      expected.add(straight.update(d));
    }
    ByteTracker first = new ByteTracker(cfg);
    for (int f = 0; f < snapshotAt; f++) {
      first.update(frames.get(f));
    }
    byte[] state = first.snapshot();
    assertEquals(ByteTrackerState.HEADER_BYTES + 8
        + ByteTrackerState.TRACK_BYTES * (countTracks(first)), state.length);
    ByteTracker resumed = ByteTracker.restore(cfg, state);
    assertEquals(snapshotAt, resumed.framesSeen());
    for (int f = snapshotAt; f < frames.size(); f++) {
      // Detections.equals compares float bits: the outputs must be bit-identical.
      assertEquals(expected.get(f), resumed.update(frames.get(f)), "frame " + f);
    }
    assertTrue(Arrays.equals(straight.snapshot(), resumed.snapshot()));
  }

  private static int countTracks(ByteTracker t) {
    byte[] s = t.snapshot();
    int tracked = java.nio.ByteBuffer.wrap(s, ByteTrackerState.HEADER_BYTES, 4).getInt();
    int lost = java.nio.ByteBuffer.wrap(s,
        ByteTrackerState.HEADER_BYTES + 4 + tracked * ByteTrackerState.TRACK_BYTES, 4).getInt();
    return tracked + lost;
  }

  @Test
  void restoredTrackerContinuesBitIdenticallyOnSyntheticScene() {
    List<Detections> frames = syntheticScene(150, 25, 11);
    for (int k : new int[] {1, 37, 99}) {
      assertResumesIdentically(ByteTrackConfig.defaults(), frames, k);
    }
  }

  @Test
  void restoredTrackerContinuesBitIdenticallyOnMot17() throws IOException {
    Path det = dev.tracklight.operators.mot.MotTestData.root().resolve("mot/MOT17-04-FRCNN/det/det.txt");
    assertTrue(Files.isRegularFile(det), det + " is missing");
    dev.tracklight.operators.mot.MotDetectionFile file =
        dev.tracklight.operators.mot.MotDetectionFile.read(det);
    List<Detections> frames = new ArrayList<>();
    for (int f = 1; f <= 300; f++) {
      frames.add(file.frame(f));
    }
    assertResumesIdentically(ByteTrackConfig.defaults(), frames, 150);
  }

  @Test
  void unknownVersionIsAClearError() {
    byte[] state = new ByteTracker(ByteTrackConfig.defaults()).snapshot();
    state[0] = 42;
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ByteTracker.restore(ByteTrackConfig.defaults(), state));
    assertEquals("unsupported ByteTracker state version 42: expected version 1", e.getMessage());
  }

  @Test
  void truncatedOrPaddedStateIsRejected() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.defaults());
    syntheticScene(5, 5, 1).forEach(t::update);
    byte[] state = t.snapshot();
    assertThrows(InvalidInputException.class, () -> ByteTracker.restore(ByteTrackConfig.defaults(),
        Arrays.copyOf(state, state.length - 3)));
    assertThrows(InvalidInputException.class, () -> ByteTracker.restore(ByteTrackConfig.defaults(),
        Arrays.copyOf(state, state.length + 1)));
    assertThrows(InvalidInputException.class,
        () -> ByteTracker.restore(ByteTrackConfig.defaults(), new byte[0]));
  }
}
