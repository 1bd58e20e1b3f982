package dev.tracklight.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelFamily;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputLayoutTest {

  @Test
  void recognisesYoloxAt416AndUltralyticsAt640FromTheShapeAlone() {
    OutputLayout yolox = OutputLayout.detect(new int[] {3549, 85}, 416, Map.of(), null);
    assertEquals(ModelFamily.YOLOX, yolox.family());
    assertEquals(80, yolox.classes());
    OutputLayout v8 = OutputLayout.detect(new int[] {84, 8400}, 640, Map.of(), null);
    assertEquals(ModelFamily.ULTRALYTICS, v8.family());
    assertEquals(80, v8.classes());
    assertEquals(8400, v8.anchors());
    OutputLayout custom = OutputLayout.detect(new int[] {7, 2100}, 320, Map.of(), null);
    assertEquals(3, custom.classes());
  }

  @Test
  void unsupportedLayoutsListWhatIsSupported() {
    for (int[] shape : new int[][] {{300, 6}, {1000}, {3549, 85, 2}, {84, 8400}}) {
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> OutputLayout.detect(shape, 416, Map.of(), null));
      assertTrue(e.getMessage().contains("supported output layouts: YOLOX raw grid"), e.getMessage());
    }
  }

  @Test
  void metadataClassCountMustAgreeWithTheOutput() {
    Map<String, String> meta = Map.of("names", "{0: 'a', 1: 'b'}", "stride", "32");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> OutputLayout.detect(new int[] {84, 8400}, 640, meta, null));
    assertTrue(e.getMessage().contains("metadata names 2 classes"), e.getMessage());
  }

  @Test
  void parsesUltralyticsNamesAndStride() {
    Map<String, String> meta = Map.of("names", "{0: 'person', 1: \"teddy's bear\", 2: 'tv'}",
        "stride", "32", "imgsz", "[640, 640]");
    assertEquals(List.of("person", "teddy's bear", "tv"), UltralyticsMetadata.names(meta).orElseThrow());
    assertEquals(32, UltralyticsMetadata.stride(meta).getAsInt());
    assertTrue(UltralyticsMetadata.names(Map.of("names", "{1: 'gap'}")).isEmpty());
  }
}
