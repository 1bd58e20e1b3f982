package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ClipLayoutTest {

  @Test
  void pathsAndUrisAreDeterministic() {
    ClipLayout layout = new ClipLayout("/var/media/../lib/media");
    Path clip = layout.clip("lobby", "lobby-1700000002000-1700000008000");
    assertEquals(Path.of("/var/lib/media/lobby/clips/lobby-1700000002000-1700000008000.mp4"), clip);
    assertEquals(Path.of("/var/lib/media/lobby/thumbs/lobby-1700000002000-1700000008000.jpg"),
        layout.thumbnail("lobby", "lobby-1700000002000-1700000008000"));
    assertEquals("file:///var/lib/media/lobby/clips/lobby-1700000002000-1700000008000.mp4",
        ClipLayout.uri(clip));
  }

  @Test
  void namesThatWouldEscapeTheDirectoryAreRefused() {
    ClipLayout layout = new ClipLayout("/media");
    assertThrows(IllegalArgumentException.class, () -> layout.clip("..", "h"));
    assertThrows(IllegalArgumentException.class, () -> layout.clip("a/b", "h"));
    assertThrows(IllegalArgumentException.class, () -> layout.thumbnail("cam", ".hidden"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layout.clip("cam", ""));
    assertEquals("highlight id '' cannot name a file: expected 1-200 of A-Z a-z 0-9 _ - . not"
        + " starting with '.'", e.getMessage());
    assertEquals("highlights.clips_dir: expected a directory path, got nothing",
        assertThrows(InvalidInputException.class, () -> new ClipLayout(" ")).getMessage());
  }
}
