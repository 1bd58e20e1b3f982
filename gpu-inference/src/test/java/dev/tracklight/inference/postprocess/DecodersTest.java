package dev.tracklight.inference.postprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Both decoders on hand-made outputs whose boxes can be computed by hand. */
class DecodersTest {

  @Test
  void yoloxDecodesGridOffsetsStridesAndObjectnessTimesClass() {
    int size = 64; // 8x8 + 4x4 + 2x2 = 84 anchors
    YoloxGridDecoder decoder = new YoloxGridDecoder(size, 2, GridLayout.DEFAULT_STRIDES);
    assertEquals(84, decoder.anchors());
    float[] out = new float[3 + decoder.floatsPerImage()];
    // Anchor 64 + 5 = stride 16, cell (1, 1): centre (1.5+1)*16 = 40, size e^0 * 16 = 16.
    int row = 3 + (64 + 5) * 7;
    out[row] = 1.5f;
    out[row + 1] = 1.5f;
    out[row + 4] = 0.9f; // objectness
    out[row + 5] = 0.2f;
    out[row + 6] = 0.8f; // class 1 wins
    // A background anchor below the threshold.
    out[3 + 4] = 0.2f;
    out[3 + 5] = 1f;
    CandidateBuffer c = new CandidateBuffer(decoder.anchors());
    decoder.decode(out, 3, 0.5f, c);
    assertEquals(1, c.count());
    assertEquals(1, c.classIds()[0]);
    assertEquals(0.72f, c.scores()[0], 1e-6f);
    float[] expected = {32, 32, 48, 48};
    for (int k = 0; k < 4; k++) {
      assertEquals(expected[k], c.boxes()[k], 1e-4f);
    }
  }

  /** A non-square input: each level's cells are row-major over its own width (YOLOX's flatten). */
  @Test
  void yoloxDecodesANonSquareGridRowMajor() {
    // 32 high, 64 wide: 4x8 + 2x4 + 1x2 = 42 anchors.
    YoloxGridDecoder decoder = new YoloxGridDecoder(32, 64, 1, GridLayout.DEFAULT_STRIDES);
    assertEquals(42, decoder.anchors());
    assertEquals(42, GridLayout.anchorCount(32, 64, GridLayout.DEFAULT_STRIDES));
    assertEquals(-1, GridLayout.anchorCount(32, 60, GridLayout.DEFAULT_STRIDES));
    float[] out = new float[decoder.floatsPerImage()];
    // Stride 8, row 2, column 5: anchor 2 * 8 + 5 = 21; centre (5.5 * 8, 2.5 * 8) = (44, 20).
    int row = 21 * 6;
    out[row] = 0.5f;
    out[row + 1] = 0.5f;
    out[row + 4] = 1f;
    out[row + 5] = 0.9f;
    // Stride 16, row 1, column 3: anchor 32 + 1 * 4 + 3 = 39; centre (3.5 * 16, 1.5 * 16).
    row = 39 * 6;
    out[row] = 0.5f;
    out[row + 1] = 0.5f;
    out[row + 4] = 1f;
    out[row + 5] = 0.8f;
    CandidateBuffer c = new CandidateBuffer(decoder.anchors());
    decoder.decode(out, 0, 0.5f, c);
    assertEquals(2, c.count());
    float[] expected = {40, 16, 48, 24, 48, 16, 64, 32};
    for (int k = 0; k < 8; k++) {
      assertEquals(expected[k], c.boxes()[k], 1e-4f, "coordinate " + k);
    }
  }

  @Test
  void ultralyticsDecodesChannelMajorOutputWithBestClass() {
    int anchors = 5;
    UltralyticsDecoder decoder = new UltralyticsDecoder(anchors, 3);
    float[] out = new float[decoder.floatsPerImage()];
    int a = 2;
    out[a] = 100; // cx
    out[anchors + a] = 50; // cy
    out[2 * anchors + a] = 20; // w
    out[3 * anchors + a] = 10; // h
    out[4 * anchors + a] = 0.3f;
    out[5 * anchors + a] = 0.1f;
    out[6 * anchors + a] = 0.6f; // class 2 wins
    out[4 * anchors + 4] = 0.24f; // below the threshold
    CandidateBuffer c = new CandidateBuffer(anchors);
    decoder.decode(out, 0, 0.25f, c);
    assertEquals(1, c.count());
    assertEquals(2, c.classIds()[0]);
    assertEquals(0.6f, c.scores()[0]);
    float[] expected = {90, 45, 110, 55};
    for (int k = 0; k < 4; k++) {
      assertEquals(expected[k], c.boxes()[k], 1e-4f);
    }
  }
}
