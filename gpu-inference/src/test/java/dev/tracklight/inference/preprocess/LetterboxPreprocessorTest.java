package dev.tracklight.inference.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.BgrImage;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.inference.TestImages;
import java.util.Arrays;
import java.util.Random;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LetterboxPreprocessorTest {

  @Test
  void geometryFollowsEachUpstreamConvention() {
    // bus.jpg, portrait 810x1080.
    LetterboxGeometry ultra = LetterboxStyle.ULTRALYTICS_CENTRED.geometry(810, 1080, 640);
    assertEquals(new LetterboxGeometry(810, 1080, 640, 640f / 1080, 480, 640, 80, 0), ultra);
    LetterboxGeometry yolox = LetterboxStyle.YOLOX_TOP_LEFT.geometry(810, 1080, 416);
    assertEquals(312, yolox.resizedWidth(), "int(810 * 416/1080) = int(312.0)");
    assertEquals(416, yolox.resizedHeight());
    assertEquals(0, yolox.padLeft());
    // person.jpg 640x424 at 640: dh = (640 - 424) / 2 = 108 exactly.
    LetterboxGeometry even = LetterboxStyle.ULTRALYTICS_CENTRED.geometry(640, 424, 640);
    assertEquals(108, even.padTop());
    // An odd padding: 773x512 -> 640x424 (round(423.9)), dh = 108 -> top 108; 360x203 -> 640x361,
    // dh = 139.5 -> top = round(139.4) = 139, bottom gets the extra row.
    assertEquals(139, LetterboxStyle.ULTRALYTICS_CENTRED.geometry(360, 203, 640).padTop());
    assertEquals(100f, ultra.toSourceX(80 + 100 * ultra.scale()), 1e-3f);
  }

  @ParameterizedTest
  @CsvSource({"images/dog.jpg, 416", "images/bus.jpg, 640", "images/horses.jpg, 640",
      "images/person.jpg, 416"})
  void resizeMatchesOpenCvInterLinear(String file, int size) {
    BgrImage image = TestImages.read(TestAssets.file(file));
    for (LetterboxStyle style : LetterboxStyle.values()) {
      LetterboxPreprocessor pre = new LetterboxPreprocessor(style, size);
      float[] out = new float[pre.floatsPerImage() + 5];
      Arrays.fill(out, -1f);
      LetterboxGeometry g = pre.process(image, out, 5);
      byte[] expected = openCvResize(image, g.resizedWidth(), g.resizedHeight());
      int plane = size * size;
      int maxDiff = 0;
      int differing = 0;
      for (int y = 0; y < g.resizedHeight(); y++) {
        for (int x = 0; x < g.resizedWidth(); x++) {
          for (int c = 0; c < 3; c++) {
            int p = style.rgb() ? 2 - c : c;
            float v = out[5 + p * plane + (g.padTop() + y) * size + g.padLeft() + x];
            int mine = Math.round(v / style.valueScale());
            int cv = expected[(y * g.resizedWidth() + x) * 3 + c] & 0xFF;
            int d = Math.abs(mine - cv);
            maxDiff = Math.max(maxDiff, d);
            differing += d > 0 ? 1 : 0;
          }
        }
      }
      int samples = 3 * g.resizedWidth() * g.resizedHeight();
      // Measured byte-exact against OpenCV 4.11 (x86-64, SIMD kernels); a build on another ISA
      // rounds its vertical pass differently by at most one grey level.
      assertTrue(maxDiff <= 1, style + " " + file + ": max difference " + maxDiff);
      assertTrue(differing <= samples / 1000, style + " " + file + ": " + differing + " of "
          + samples + " samples differ");
      assertPadding(out, 5, size, g, style);
      for (int i = 0; i < 5; i++) {
        assertEquals(-1f, out[i], "nothing written before the offset");
      }
    }
  }

  private static void assertPadding(float[] out, int offset, int size, LetterboxGeometry g,
      LetterboxStyle style) {
    float pad = LetterboxStyle.PAD_VALUE * style.valueScale();
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          boolean inside = y >= g.padTop() && y < g.padTop() + g.resizedHeight()
              && x >= g.padLeft() && x < g.padLeft() + g.resizedWidth();
          if (!inside) {
            assertEquals(pad, out[offset + c * size * size + y * size + x], 1e-6f,
                "padding at " + x + "," + y);
          }
        }
      }
    }
  }

  @Test
  void sameSizeIsAnExactCopyWithChannelOrderAndScale() {
    Random random = new Random(3);
    byte[] px = new byte[32 * 32 * 3];
    random.nextBytes(px);
    BgrImage image = new BgrImage(32, 32, px);
    LetterboxPreprocessor rgb = new LetterboxPreprocessor(LetterboxStyle.ULTRALYTICS_CENTRED, 32);
    float[] out = new float[rgb.floatsPerImage()];
    rgb.process(image, out, 0);
    int plane = 32 * 32;
    for (int i = 0; i < plane; i++) {
      assertEquals((px[3 * i + 2] & 0xFF) / 255f, out[i], "R plane first");
      assertEquals((px[3 * i] & 0xFF) / 255f, out[2 * plane + i], "B plane last");
    }
    LetterboxPreprocessor bgr = new LetterboxPreprocessor(LetterboxStyle.YOLOX_TOP_LEFT, 32);
    bgr.process(image, out, 0);
    for (int i = 0; i < plane; i++) {
      assertEquals(px[3 * i] & 0xFF, out[i], "B plane first, 0..255");
    }
  }

  /**
   * The planar, vectorised kernel computes exactly what the scalar one does, for down- and
   * up-scaling, odd and degenerate sizes, same-size copies, and one preprocessor reused across
   * sizes (its cached coefficients must follow the size).
   */
  @Test
  void fastKernelEqualsTheScalarKernelBitForBit() {
    Random random = new Random(12);
    int[][] sizes = {{768, 432}, {1280, 720}, {416, 234}, {416, 416}, {200, 120}, {33, 17},
        {1, 1}, {1, 700}, {700, 1}, {3000, 5}, {417, 415}, {640, 640}};
    for (LetterboxStyle style : LetterboxStyle.values()) {
      for (int side : new int[] {416, 640, 31}) {
        LetterboxPreprocessor fast = new LetterboxPreprocessor(style, side);
        ScalarLetterbox scalar = new ScalarLetterbox(style, side);
        for (int round = 0; round < 2; round++) {
          for (int[] size : sizes) {
            byte[] px = new byte[size[0] * size[1] * 3];
            random.nextBytes(px);
            BgrImage image = new BgrImage(size[0], size[1], px);
            float[] expected = new float[scalar.floatsPerImage() + 3];
            float[] actual = new float[fast.floatsPerImage() + 3];
            Arrays.fill(actual, 7f); // stale contents, as a reused input buffer has
            assertEquals(scalar.process(image, expected, 3), fast.process(image, actual, 3));
            for (int i = 3; i < expected.length; i++) {
              if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(style + " " + side + " from " + size[0] + "x" + size[1]
                    + ": float " + (i - 3) + " is " + actual[i] + ", expected " + expected[i]);
              }
            }
          }
        }
      }
    }
  }

  /**
   * A fitted canvas holds exactly the square's top-left region (same scale, same pixels, grey
   * past the image); a canvas that cuts the image, or one for the centred style, is refused.
   */
  @Test
  void fittedCanvasIsTheSquaresTopLeftRegion() {
    Random random = new Random(5);
    LetterboxPreprocessor pre = new LetterboxPreprocessor(LetterboxStyle.YOLOX_TOP_LEFT, 416);
    int[][] cases = {{768, 432, 288, 416}, {810, 1080, 416, 352}, {640, 360, 256, 416},
        {200, 200, 416, 416}};
    for (int[] c : cases) {
      byte[] px = new byte[c[0] * c[1] * 3];
      random.nextBytes(px);
      BgrImage image = new BgrImage(c[0], c[1], px);
      float[] square = new float[pre.floatsPerImage()];
      LetterboxGeometry g = pre.process(image, square, 0);
      int h = c[2];
      int w = c[3];
      float[] canvas = new float[3 * h * w + 2];
      Arrays.fill(canvas, 7f);
      assertEquals(g, pre.process(image, canvas, 2, h, w));
      for (int p = 0; p < 3; p++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            assertEquals(square[p * 416 * 416 + y * 416 + x], canvas[2 + p * h * w + y * w + x],
                c[0] + "x" + c[1] + " plane " + p + " at " + x + "," + y);
          }
        }
      }
    }
    BgrImage wide = BgrImage.allocate(768, 432);
    assertThrows(IllegalArgumentException.class,
        () -> pre.process(wide, new float[3 * 224 * 416], 0, 224, 416), "cuts the image");
    LetterboxPreprocessor centred = new LetterboxPreprocessor(LetterboxStyle.ULTRALYTICS_CENTRED, 640);
    assertThrows(IllegalArgumentException.class,
        () -> centred.process(wide, new float[3 * 384 * 640], 0, 384, 640), "centred is square");
  }

  @Test
  void tooSmallOutputIsRejected() {
    LetterboxPreprocessor pre = new LetterboxPreprocessor(LetterboxStyle.YOLOX_TOP_LEFT, 64);
    BgrImage image = BgrImage.allocate(10, 10);
    assertThrows(IllegalArgumentException.class, () -> pre.process(image, new float[100], 0));
  }

  private static byte[] openCvResize(BgrImage image, int width, int height) {
    try (BytePointer data = new BytePointer(image.pixels());
        Mat src = new Mat(image.height(), image.width(), org.bytedeco.opencv.global.opencv_core.CV_8UC3, data);
        Mat dst = new Mat();
        Size size = new Size(width, height)) {
      opencv_imgproc.resize(src, dst, size, 0, 0, opencv_imgproc.INTER_LINEAR);
      return TestImages.toBgr(dst).pixels();
    }
  }
}
