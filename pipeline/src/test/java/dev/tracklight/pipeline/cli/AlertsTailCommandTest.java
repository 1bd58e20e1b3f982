package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.testing.KafkaTestBroker;
import dev.tracklight.connectors.testing.TestAlerts;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.alerts.AlertJson;
import dev.tracklight.operators.highlights.Severity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code tracklight alerts tail}, run in-process through its picocli entry, against a real Kafka
 * broker in the test JVM and against real files that grow, hold half-written lines and shrink.
 */
class AlertsTailCommandTest {

  private static final int CAMERAS = 4;
  /** A tail that is still waiting after this has failed (the tests never wait on purpose). */
  private static final Duration WAIT = Duration.ofSeconds(60);

  static KafkaTestBroker broker;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaTestBroker.start();
    System.out.println("kafka-test-broker: {\"start_ms\": " + broker.startTime().toMillis() + "}");
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static Alert alert(long n) {
    return TestAlerts.number(n, CAMERAS);
  }

  private static List<Map.Entry<String, String>> records(long from, long to) {
    return LongStream.range(from, to).mapToObj(AlertsTailCommandTest::alert)
        .map(a -> Map.entry(a.camera(), AlertJson.toJson(a))).toList();
  }

  private static List<String> jsonLines(long from, long to) {
    return LongStream.range(from, to).mapToObj(n -> AlertJson.toJson(alert(n))).toList();
  }

  @Test
  void kafkaShowsCommittedAlertsOnly() throws Exception {
    String topic = "tail-committed";
    broker.createTopic(topic, 2);
    broker.produceInTransaction(topic, records(0, 10), true);
    broker.produceInTransaction(topic, records(100, 105), false);
    broker.produceInTransaction(topic, records(10, 20), true);
    assertEquals(25, broker.readAll(topic, IsolationLevel.READ_UNCOMMITTED).size(),
        "the aborted alerts are in the log");

    long t0 = System.nanoTime();
    CliRun run = CliRun.of("alerts", "tail", "--kafka", broker.bootstrapServers(), "--topic", topic,
        "--from-beginning", "--json", "--max", "20", "--timeout", "60");
    System.out.println("alerts-tail-kafka: {\"alerts\": 20, \"round_trip_ms\": "
        + Duration.ofNanos(System.nanoTime() - t0).toMillis() + "}");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(Set.copyOf(jsonLines(0, 20)), Set.copyOf(run.out().lines().toList()),
        "the 20 committed alerts, none of the aborted ones");
    assertTrue(run.err().contains("read_committed, from the beginning"), run.err());
  }

  @Test
  void kafkaFiltersAndHumanLines() throws Exception {
    String topic = "tail-filter";
    broker.createTopic(topic, 1);
    broker.produce(topic, records(0, 60));
    Predicate<Alert> wanted = a -> Set.of("cam1", "cam2").contains(a.camera())
        && Set.of("entry", "loiter").contains(a.type()) && a.severity() != Severity.INFO;
    List<String> expected = LongStream.range(0, 60).mapToObj(AlertsTailCommandTest::alert).filter(wanted)
        .map(AlertLine::of).toList();
    assertTrue(expected.size() >= 5 && expected.size() < 30, "a selective filter: " + expected.size());

    CliRun run = CliRun.of("alerts", "tail", "--kafka", broker.bootstrapServers(), "--topic", topic,
        "--from-beginning", "--camera", "cam1", "--camera", "cam2", "--type", "entry", "--type", "loiter",
        "--min-severity", "warning", "--max", Integer.toString(expected.size()), "--timeout", "60");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(expected, run.out().lines().toList());
    assertTrue(run.out().contains("2026-09-21T14:13:20.400Z  cam2  WARNING   entry  rule=door zone=door count=1"
        + " tracks=4 classes=dog clip=file:///clips/10.mp4\n"), run.out());
  }

  @Test
  void kafkaFollowsFromTheEndByDefault() throws Exception {
    String topic = "tail-end";
    broker.createTopic(topic, 3);
    broker.produce(topic, records(0, 10));
    try (BackgroundTail tail = BackgroundTail.start("alerts", "tail", "--kafka", broker.bootstrapServers(),
        "--topic", topic, "--json", "--max", "5", "--timeout", "60")) {
      tail.awaitErr(s -> s.contains("following topic " + topic));
      broker.produce(topic, records(10, 15));
      assertEquals(0, tail.exitCode(), tail.err());
      assertEquals(Set.copyOf(jsonLines(10, 15)), Set.copyOf(tail.outLines()), "only alerts after the start");
    }
  }

  @Test
  void kafkaUnknownTopicIsBadInput() {
    CliRun run = CliRun.of("alerts", "tail", "--kafka", broker.bootstrapServers(), "--topic", "no-such-topic");
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine() && run.err().startsWith("error: ") && run.err().contains("does not exist"),
        run.err());
  }

  @Test
  void kafkaUnreachableFailsWithinTheTimeout() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    long t0 = System.nanoTime();
    CliRun run = CliRun.of("alerts", "tail", "--kafka", "127.0.0.1:" + closedPort, "--timeout", "1");
    long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertEquals(TracklightMain.EXIT_FAILURE, run.exitCode(), run.err());
    assertTrue(run.errIsOneLine() && run.err().contains("no answer from Kafka"), run.err());
    assertTrue(ms < 10_000, "--timeout 1 bounds the connection attempt too: " + ms + " ms");
  }

  @Test
  void fileFromTheBeginningThenAppendsAndHalfWrittenLines() throws Exception {
    Path file = tmp.resolve("alerts.jsonl");
    Files.write(file, jsonLines(0, 5));
    try (BackgroundTail tail = BackgroundTail.start("alerts", "tail", "--file", file.toString(),
        "--from-beginning", "--json", "--max", "8", "--timeout", "60")) {
      tail.awaitOut(5);
      append(file, AlertJson.toJson(alert(5)) + "\n");
      String six = AlertJson.toJson(alert(6));
      append(file, six.substring(0, 40));
      // Whether the tail reads the half line before the rest arrives is up to timing; that it then
      // waits for the rest is tested step by step in JsonLinesFollowerHalfLineTest (connectors).
      append(file, six.substring(40) + "\n" + AlertJson.toJson(alert(7)) + "\n");
      assertEquals(0, tail.exitCode(), tail.err());
      assertEquals(jsonLines(0, 8), tail.outLines());
      assertTrue(!tail.err().contains("skipped"), tail.err());
    }
  }

  @Test
  void fileFromTheEndStartsAfterAHalfWrittenLine() throws Exception {
    Path file = tmp.resolve("alerts.jsonl");
    String two = AlertJson.toJson(alert(2));
    Files.writeString(file, String.join("\n", jsonLines(0, 2)) + "\n" + two.substring(0, 30));
    // The lock a running job's JsonLinesFileSink holds: the file is being written, not finished.
    try (FileChannel writer = FileChannel.open(file, StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock = writer.lock();
        BackgroundTail tail = BackgroundTail.start("alerts", "tail", "--file", file.toString(),
        "--max", "2", "--timeout", "60")) {
      tail.awaitErr(s -> s.contains("following " + file));
      append(file, two.substring(30) + "\n" + String.join("\n", jsonLines(3, 5)) + "\n");
      assertEquals(0, tail.exitCode(), tail.err());
      assertEquals(List.of(AlertLine.of(alert(3)), AlertLine.of(alert(4))), tail.outLines());
      assertTrue(!tail.err().contains("skipped"), tail.err());
    }
  }

  @Test
  void fileCutBackOnRestorePrintsEachAlertOnce() throws Exception {
    Path file = tmp.resolve("alerts.jsonl");
    Files.write(file, jsonLines(0, 5));
    long checkpointed = String.join("\n", jsonLines(0, 3)).length() + 1;
    try (BackgroundTail tail = BackgroundTail.start("alerts", "tail", "--file", file.toString(),
        "--from-beginning", "--json", "--max", "7", "--timeout", "60")) {
      tail.awaitOut(5);
      // What JsonLinesFileSink does on restore: cut back to the checkpointed length, write again.
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(checkpointed);
      }
      tail.awaitErr(s -> s.contains("shrank"));
      append(file, String.join("\n", jsonLines(3, 7)) + "\n");
      assertEquals(0, tail.exitCode(), tail.err());
      assertEquals(jsonLines(0, 7), tail.outLines(), "alerts 3 and 4 came twice, printed once");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",                                               // no source
      "--kafka localhost:9092 --file a.jsonl",          // two sources
      "--file a.jsonl --topic t",                       // --topic without --kafka
      "--kafka localhost",                              // no port
      "--kafka localhost:9092 --topic bad/topic",       // illegal topic
      "--file /no/such/alerts.jsonl",                   // missing file
      "--file a.jsonl --type bogus",                    // unknown type
      "--file a.jsonl --min-severity loud",             // unknown severity
      "--file a.jsonl --max 0",
      "--file a.jsonl --timeout -1",
      "--file a.jsonl --frobnicate"})
  void badArgumentsAreOneLineAndExitCode2(String args) throws Exception {
    Files.writeString(tmp.resolve("a.jsonl"), "");
    String[] argv = (args.isEmpty() ? "alerts tail" : "alerts tail " + args.replace("a.jsonl",
        tmp.resolve("a.jsonl").toString())).split(" ");
    CliRun run = CliRun.of(argv);
    assertEquals(TracklightMain.EXIT_BAD_INPUT, run.exitCode(), args + ": " + run.err());
    assertTrue(run.errIsOneLine() && run.err().startsWith("error: "), args + ": " + run.err());
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** The CLI on its own thread, for tests that write while it follows. */
  static final class BackgroundTail implements AutoCloseable {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit;

    private BackgroundTail(String... args) {
      Writer sink = err;
      exit = CompletableFuture.supplyAsync(() -> TracklightMain.execute(args, new PrintWriter(out, true),
          new PrintWriter(sink, true)));
    }

    static BackgroundTail start(String... args) {
      return new BackgroundTail(args);
    }

    void awaitErr(Predicate<String> condition) throws InterruptedException {
      await(() -> condition.test(err.toString()), "stderr condition; stderr: ");
    }

    void awaitOut(int lines) throws InterruptedException {
      await(() -> out.toString().lines().count() >= lines, lines + " lines out; stderr: ");
    }

    private void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!done.getAsBoolean()) {
        if (exit.isDone() || System.nanoTime() > deadline) {
          throw new AssertionError("tail did not reach " + what + err + " / stdout: " + out);
        }
        Thread.sleep(20);
      }
    }

    int exitCode() throws Exception {
      return exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    List<String> outLines() {
      return out.toString().lines().collect(Collectors.toList());
    }

    String err() {
      return err.toString();
    }

    @Override
    public void close() throws Exception {
      exitCode();
    }
  }
}
