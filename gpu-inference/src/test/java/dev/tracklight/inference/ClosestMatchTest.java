package dev.tracklight.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClosestMatchTest {

  private static final List<String> CAMERA_KEYS = List.of("id", "url", "fps", "rules");

  @Test
  void swapsInsertionsAndDeletionsAreOneEdit() {
    assertEquals(1, ClosestMatch.distance("fsp", "fps"));
    assertEquals(1, ClosestMatch.distance("clases", "classes"));
    assertEquals(1, ClosestMatch.distance("modle", "model"));
    assertEquals(3, ClosestMatch.distance("abc", ""));
    assertEquals(0, ClosestMatch.distance("fps", "fps"));
  }

  @Test
  void suggestsOnlyNearMisses() {
    assertEquals(Optional.of("fps"), ClosestMatch.of("fsp", CAMERA_KEYS));
    assertEquals(Optional.of("fps"), ClosestMatch.of("FPS", CAMERA_KEYS), "case is ignored");
    assertEquals(Optional.empty(), ClosestMatch.of("colour", CAMERA_KEYS));
    assertEquals(Optional.empty(), ClosestMatch.of("ab", CAMERA_KEYS), "two edits on a short word is a guess");
    assertEquals(Optional.of("max_batch"), ClosestMatch.of("max_bach", List.of("max_delay_ms", "max_batch")));
    assertEquals(Optional.of("classes"), ClosestMatch.of("klases", List.of("classes", "conf")),
        "two edits on a longer word");
  }

  @Test
  void unknownKeyMessageListsEverythingAndSuggests() {
    assertEquals("unknown key; did you mean `fps`? expected one of id, url, fps, rules",
        ClosestMatch.unknownKey("fsp", CAMERA_KEYS));
    assertEquals("unknown key; expected one of id, url, fps, rules",
        ClosestMatch.unknownKey("colour", CAMERA_KEYS));
    assertEquals("unknown key; expected one of (none)", ClosestMatch.unknownKey("x", List.of()));
  }
}
