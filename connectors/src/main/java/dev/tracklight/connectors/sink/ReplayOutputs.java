package dev.tracklight.connectors.sink;

import dev.tracklight.connectors.media.HighlightMedia;
import java.nio.file.Path;

/**
 * Where a replay of one video writes: {@code DIR/<video name without extension>/} holding
 * {@code annotated.mp4}, {@code tracks.jsonl}, {@code tracks.mot.txt}, the highlight media
 * ({@code highlights.json}, {@code highlights.vtt}, {@code clips/}, {@code thumbs/},
 * {@code reel.mp4}; see {@link HighlightMedia}) and {@code summary.json}. {@code summary.json} is
 * committed last, so its presence means the other files are complete and of the same run.
 */
public record ReplayOutputs(Path dir) {

  public static ReplayOutputs under(Path outRoot, Path video) {
    String name = video.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return new ReplayOutputs(outRoot.resolve(dot > 0 ? name.substring(0, dot) : name));
  }

  public Path annotatedVideo() {
    return dir.resolve("annotated.mp4");
  }

  public Path tracksJsonl() {
    return dir.resolve("tracks.jsonl");
  }

  public Path tracksMot() {
    return dir.resolve("tracks.mot.txt");
  }

  public Path summary() {
    return dir.resolve("summary.json");
  }

  public Path highlightsJson() {
    return dir.resolve(HighlightMedia.JSON);
  }

  public Path highlightsVtt() {
    return dir.resolve(HighlightMedia.VTT);
  }

  /** {@code clips/}: one MP4 per highlight. */
  public Path clipsDir() {
    return dir.resolve(HighlightMedia.CLIPS);
  }

  /** {@code thumbs/}: one JPEG per highlight. */
  public Path thumbsDir() {
    return dir.resolve(HighlightMedia.THUMBS);
  }

  public Path reel() {
    return dir.resolve(HighlightMedia.REEL);
  }
}
