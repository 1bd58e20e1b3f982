package dev.tracklight.pipeline.cli;

import dev.tracklight.console.Auth;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.JobExecutor;
import dev.tracklight.console.LocalExecutor;
import dev.tracklight.console.PasswordHash;
import dev.tracklight.console.ReplayLauncher;
import dev.tracklight.console.RulesCheck;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.pipeline.config.RuleConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracklight serve}: the web console. The console module holds the server, the job store
 * and the executors and knows nothing of Flink; this command hands it the one thing it needs from
 * here, the command line of a replay ({@link #replayLauncher}): this same jar (or class path) in a
 * new JVM running {@code tracklight replay --progress-lines}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the web console: upload videos, follow their jobs, watch results and live alerts.")
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: 8080, or console.yaml's).")
  Integer port;

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "Bind address (default: 127.0.0.1; any other needs users in --config).")
  String host;

  @Option(names = "--data", defaultValue = "tracklight-console", paramLabel = "DIR",
      description = "Uploads, results and the embedded job store (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--config", paramLabel = "FILE", description = "console.yaml: users, store, workers, limits.")
  Path config;

  @Option(names = "--hash-password", description = "Read a password from stdin, print its hash for console.yaml, exit.")
  boolean hashPassword;

  @Option(names = "--new-token", description = "Print a new API token and the line for console.yaml, exit.")
  boolean newToken;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    if (hashPassword) {
      String pw = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (pw == null || pw.isEmpty()) {
        throw new InvalidInputException("--hash-password: no password on stdin");
      }
      out.println(PasswordHash.hash(pw.toCharArray()));
      return 0;
    }
    if (newToken) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      String token = HexFormat.of().formatHex(b);
      out.println("token (give it to the user; it is not stored): " + token);
      out.println("console.yaml: tokens: [\"sha256:" + Auth.sha256(token) + "\"]");
      return 0;
    }
    ConsoleConfig c;
    try {
      Files.createDirectories(data);
      c = config == null ? ConsoleConfig.defaults(data) : ConsoleConfig.load(config, data, System.getenv());
      if (port != null) {
        c = c.withPort(port);
      }
      if (host != null) {
        c = c.withHost(host);
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(e.getMessage(), e);
    }
    List<JobExecutor> executors = new ArrayList<>();
    executors.add(new LocalExecutor(replayLauncher(), c.workers()));
    ConsoleServer server;
    try {
      if (c.batch().isPresent()) {
        // Checked now: a wrong queue, definition or bucket is one line and exit 2, not a failed job later.
        executors.add(ConsoleBatchExecutor.start(c.batch().get(), Clock.systemUTC()));
      }
      server = ConsoleServer.start(c, executors, rulesCheck(), Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      executors.forEach(JobExecutor::close);
      throw new InvalidInputException(e.getMessage(), e);
    } catch (RuntimeException | java.io.IOException e) {
      executors.forEach(JobExecutor::close);
      throw e;
    }
    out.printf("tracklight console on http://%s:%d/ (data in %s)%n", c.host(), server.port(), data.toAbsolutePath());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close(); // running local jobs are stopped and recorded as failed, with the reason
      stopped.countDown();
    }, "console-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * The replay's own rules parser for the console's rule sets and job rules, against the default
   * model's (COCO) class names: a rule naming a class the model does not have is refused here,
   * not in a failed job.
   */
  static RulesCheck rulesCheck() {
    return yaml -> {
      try {
        RuleConfig.fromText("rules", yaml).parse(ClassNames.COCO);
      } catch (InvalidInputException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    };
  }

  /** A replay in a new JVM: this JVM's options and class path (the shaded jar when run from it). */
  static ReplayLauncher replayLauncher() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> jvm = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-XX:ArchiveClassesAtExit")) {
        jvm.add(a); // -Xmx, -D (javacpp cache, DJL offline), the CDS archive
      }
    }
    String classPath = System.getProperty("java.class.path");
    return (video, outDir, rules, blur) -> {
      List<String> cmd = new ArrayList<>();
      cmd.add(java);
      cmd.addAll(jvm);
      cmd.add("-cp");
      cmd.add(classPath);
      cmd.add(TracklightMain.class.getName());
      cmd.add("replay");
      cmd.add(video);
      cmd.add("--out");
      cmd.add(outDir.toString());
      cmd.add("--progress-lines");
      if (!blur.isEmpty()) {
        cmd.add("--blur");
        cmd.add(String.join(",", blur));
      }
      rules.ifPresent(r -> {
        cmd.add("--rules");
        cmd.add(r.toString());
      });
      return cmd;
    };
  }
}
