package dev.tracklight.pipeline.kvs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.pipeline.batch.MotoServer;
import dev.tracklight.pipeline.cli.TracklightMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code tracklight run} with a Kinesis Video camera as its own process (control plane on
 * moto_server through the standard AWS variables, media from the local GetMedia server serving the
 * city capture in real time), stopped with SIGINT (Ctrl-C) or SIGTERM while it runs: the process
 * ends on its own, prints the camera's summary line, and every line of the track and alert files
 * is whole JSON.
 */
class KvsRunSignalTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void runStopsCleanlyOnASignalWithWholeLines(String signal) throws Exception {
    try (KvsStreams kvs = KvsStreams.start()) {
      kvs.stream("gate", List.of());
      // A camera that keeps recording: the capture looped from now on, a fragment every 2 s.
      kvs.media.liveStream("gate", KvsCapture.looped(kvs.cars, System.currentTimeMillis(), 200));
      Path yaml = Files.writeString(tmp.resolve("cameras.yaml"), """
          cameras:
            - id: gate
              url: kvs://gate
              fps: 5
              kvs: {region: %s, start: now, endpoint: '%s'}
              rules: [{type: appearance, name: cars, classes: [car], min_absence_seconds: 1.0}]
          model: {name: yolox-nano, device: cpu, conf: 0.1}
          tracking: {track_thresh: 0.2}
          checkpointing: {interval_ms: 1000}
          sinks: {jsonl: tracks.jsonl, alerts: {jsonl: alerts.jsonl}}
          """.formatted(MotoServer.REGION, kvs.media.endpoint()));
      Path log = tmp.resolve("run.log");
      // SIGINT as a terminal's Ctrl-C finds it: a test JVM started in the background (nohup, `&`
      // in a script) passes SIGINT on ignored, and a JVM keeps an inherited SIG_IGN.
      List<String> cmd = List.of("env", "--default-signal=INT", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Dlog4j2.configurationFile=log4j2.properties", "-Dai.djl.offline=true",
          "-cp", System.getProperty("java.class.path"), TracklightMain.class.getName(),
          "run", "--config", yaml.toString());
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
      Map<String, String> aws = kvs.moto.environment(MotoServer.REGION);
      pb.environment().putAll(aws);
      Process run = pb.start();
      try {
        Path tracks = tmp.resolve("tracks.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (lines(tracks).size() < 15 && run.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(300);
        }
        assertTrue(run.isAlive(), "run ended by itself:\n" + Files.readString(log));
        assertTrue(lines(tracks).size() >= 15, "no track lines in time:\n" + Files.readString(log));
        new ProcessBuilder("kill", "-" + signal, Long.toString(run.pid())).start().waitFor();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "run did not stop on SIG" + signal + ":\n" + Files.readString(log));
        String output = Files.readString(log);
        assertTrue(output.lines().anyMatch(l -> l.startsWith("tracklight: stopped: gate: ")),
            "the camera's summary line:\n" + output);
        for (Path file : List.of(tracks, tmp.resolve("alerts.jsonl"))) {
          String text = Files.exists(file) ? Files.readString(file) : "";
          assertTrue(text.isEmpty() || text.endsWith("\n"), file.getFileName() + " ends with a whole line");
          for (String line : lines(file)) {
            JSON.readTree(line); // throws on a cut line
          }
        }
        for (String secret : List.of(MotoServer.SECRET_KEY, MotoServer.SESSION_TOKEN)) {
          assertFalse(output.contains(secret), "AWS secrets never in the output");
        }
      } finally {
        run.destroyForcibly();
        run.waitFor();
      }
    }
  }

  private static List<String> lines(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
  }
}
