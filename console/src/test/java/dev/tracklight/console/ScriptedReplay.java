package dev.tracklight.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A stand-in replay process for the console's own tests (the real replay is the pipeline's, and
 * is run end to end by the pipeline module's ServeCommandTest): same contract as
 * {@link ReplayLauncher} — progress lines, outputs under {@code --out/<stem>/}, an
 * {@code error:} line and a non-zero exit on failure. Arguments: VIDEO OUT SLEEP_MS_PER_STEP [BLUR_CLASSES].
 * A video whose name contains "fail" fails; the outputs are the input's bytes (annotated.mp4),
 * so a test can compare ranges with the file it uploaded.
 */
public final class ScriptedReplay {

  public static void main(String[] args) throws Exception {
    Path video = Path.of(args[0]);
    Path out = Path.of(args[1]);
    long sleep = Long.parseLong(args[2]);
    for (int i = 1; i <= 4; i++) {
      Thread.sleep(sleep);
      System.out.println("progress " + (i * 25) + " 100");
    }
    if (video.getFileName().toString().contains("fail")) {
      System.out.println("error: the decoder gave up at frame 12");
      System.exit(2);
    }
    String stem = video.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    Path dir = Files.createDirectories(out.resolve(stem));
    Files.copy(video, dir.resolve("annotated.mp4"), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("highlights.vtt"), "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\ndog\n");
    Files.writeString(dir.resolve("blur.txt"), args.length > 3 ? args[3] : ""); // what the job asked to blur
    Files.createDirectories(dir.resolve("clips"));
    Files.writeString(dir.resolve("clips/highlight-001.txt"), "clip");
    System.out.println("replayed 1 video(s)");
  }

  /** The launcher that runs this class in a new JVM on the test classpath. */
  static ReplayLauncher launcher(long sleepMs) {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    return (video, outDir, rules, blur) -> java.util.List.of(javaBin, "-cp", System.getProperty("java.class.path"),
        ScriptedReplay.class.getName(), video, outDir.toString(), Long.toString(sleepMs), String.join(",", blur));
  }
}
