package dev.tracklight.connectors.sink;

import java.nio.file.Path;

/**
 * Where a replay of one video writes: {@code DIR/<video name without extension>/} holding
 * {@code annotated.mp4}, {@code tracks.jsonl}, {@code tracks.mot.txt} and {@code summary.json}.
 * {@code summary.json} is committed last, so its presence means the other files are complete.
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
}
