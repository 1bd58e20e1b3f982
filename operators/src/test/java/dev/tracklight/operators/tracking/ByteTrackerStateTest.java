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
    assertEquals(ByteTrackerState.VERSION, state[0]);
    ByteTracker resumed = ByteTracker.restore(cfg, state);
    assertEquals(snapshotAt, resumed.framesSeen());
    for (int f = snapshotAt; f < frames.size(); f++) {
      // Detections.equals compares float bits: the outputs must be bit-identical.
      assertEquals(expected.get(f), resumed.update(frames.get(f)), "frame " + f);
    }
    assertTrue(Arrays.equals(straight.snapshot(), resumed.snapshot()));
  }

  @Test
  void restoredTrackerContinuesBitIdenticallyOnSyntheticScene() {
    List<Detections> frames = syntheticScene(150, 25, 11);
    for (int k : new int[] {1, 37, 99}) {
      assertResumesIdentically(ByteTrackConfig.defaults(), frames, k);
      assertResumesIdentically(ByteTrackConfig.recommended(), frames, k);
    }
  }

  /** A state as version 1 wrote it (before class votes and observed motion): one tracked track. */
  private static byte[] versionOneState() {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(ByteTrackerState.HEADER_BYTES + 8
        + ByteTrackerState.TRACK_BYTES);
    b.put((byte) 1).putInt(10).putInt(3); // version, frameId, lastId
    b.putInt(1); // tracked
    b.putInt(3).putInt(16).putFloat(0.8f).put((byte) 1).put((byte) 1).putInt(10).putInt(2);
    double[] mean = {120, 150, 0.4, 100, 2, 0, 0, 0};
    for (double v : mean) {
      b.putDouble(v);
    }
    for (int d = 0; d < 4; d++) {
      b.putDouble(4).putDouble(1).putDouble(1);
    }
    b.putInt(0); // lost
    return b.array();
  }

  @Test
  void versionOneStateStillRestoresUnderBothAlgorithms() {
    for (ByteTrackConfig cfg : List.of(ByteTrackConfig.defaults(), ByteTrackConfig.recommended())) {
      ByteTracker t = ByteTracker.restore(cfg, versionOneState());
      assertEquals(10, t.framesSeen());
      assertEquals(1, t.activeCount());
      // The track predicted one frame on (cx 122): a detection there continues id 3, class dog.
      Detections out = t.update(Detections.of(new float[] {102, 100, 142, 200},
          new float[] {0.6f}, new int[] {14})); // 0.6 bird < 0.8 dog: the label stays
      assertEquals(1, out.size(), cfg.algorithm().key());
      assertEquals(3, out.trackId(0));
      assertEquals(16, out.classId(0), "the restored track's class is its last detection's");
      assertEquals(14, out.detectionClassId(0));
      // The next new track continues the restored id counter, and the state is now version 2.
      assertEquals(ByteTrackerState.VERSION, t.snapshot()[0]);
    }
  }

  @Test
  void restoredTrackerContinuesBitIdenticallyOnMot17() throws IOException {
    Path det = dev.tracklight.inference.TestAssets.root().resolve("mot/MOT17-04-FRCNN/det/det.txt");
    assertTrue(Files.isRegularFile(det), det + " is missing");
    dev.tracklight.operators.mot.MotDetectionFile file =
        dev.tracklight.operators.mot.MotDetectionFile.read(det);
    List<Detections> frames = new ArrayList<>();
    for (int f = 1; f <= 300; f++) {
      frames.add(file.frame(f));
    }
    assertResumesIdentically(ByteTrackConfig.defaults(), frames, 150);
    assertResumesIdentically(ByteTrackConfig.recommended().withFrameRate(30), frames, 150);
  }

  @Test
  void unknownVersionIsAClearError() {
    byte[] state = new ByteTracker(ByteTrackConfig.defaults()).snapshot();
    state[0] = 42;
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ByteTracker.restore(ByteTrackConfig.defaults(), state));
    assertEquals("unsupported ByteTracker state version 42: expected version 1 or 2",
        e.getMessage());
  }

  @Test
  void truncatedOrPaddedStateIsRejected() {
    ByteTracker t = new ByteTracker(ByteTrackConfig.recommended());
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
