package dev.tracklight.connectors.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real RTSP server for tests: {@code tools/rtsp/rtsp_loop.py} (GStreamer) run as a child process
 * on a free loopback port, one mount point per camera, each streaming an H.264 MP4 (from its start
 * for every connection; for longer than any test if asked to loop), optionally behind basic auth.
 *
 * <p>Faults on demand: {@link #stop()} kills the process (a camera that drops off the network) and
 * {@link #start()} brings it back on the same port; {@link #pause()} / {@link #resume()} send
 * SIGSTOP / SIGCONT (a camera that hangs with its TCP connections open). One test thread drives it;
 * a daemon thread drains the process output (kept for failure messages).
 *
 * <p>When the server's dependencies are missing, tests fail with a message pointing at
 * {@code tools/install-rtsp-test-server.sh} if {@code TRACKLIGHT_ASSETS} is set (CI), and skip
 * otherwise.
 */
public final class RtspTestServer implements AutoCloseable {

  /** Debian's interpreter: python3-gi installs for it only (a pyenv python lacks gi). */
  private static final String PYTHON = "/usr/bin/python3";

  /** GStreamer initialises in well under a second; a loaded CI machine may need several. */
  private static final long READY_TIMEOUT_MS = 20_000;

  private static Boolean available;

  private final Map<String, Path> mounts;
  private final String user;
  private final String password;
  private final boolean loop;
  private final int port;
  private final Path script;
  private Process process;
  private boolean paused;
  private final Deque<String> output = new ArrayDeque<>();

  private RtspTestServer(Map<String, Path> mounts, String user, String password, boolean loop) {
    this.loop = loop;
    this.mounts = Map.copyOf(mounts);
    this.user = user;
    this.password = password;
    this.script = findScript();
    this.port = freeLoopbackPort();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configures mounts and credentials. */
  public static final class Builder {
    private final Map<String, Path> mounts = new LinkedHashMap<>();
    private String user;
    private String password;
    private boolean loop;

    /**
     * Streams that outlast any test (off by default): each clip is served from a copy of itself
     * repeated for at least {@link #LOOPED_LENGTH} ({@link #loopedCopy}), with the server's own
     * seek-based looping off. That looping stalled about one connection in ten when four cameras
     * connected at once (the flushing seek that arms it races the client's PLAY; a stalled mount
     * then refused every reconnect for minutes: LiveTaskManagerLossIT in CI); 32 of 32 such
     * connections streamed without it (docs/platform-notes.md, "Live cameras"). Each new connection
     * starts from the beginning either way.
     */
    public Builder looping(boolean value) {
      loop = value;
      return this;
    }

    public Builder mount(String name, Path video) {
      mounts.put(name, video);
      return this;
    }

    public Builder credentials(String userName, String secret) {
      user = userName;
      password = secret;
      return this;
    }

    /** Starts the server and waits until it accepts connections. */
    public RtspTestServer start() {
      requireAvailable();
      Map<String, Path> served = new LinkedHashMap<>();
      mounts.forEach((name, video) -> served.put(name, loop ? loopedCopy(video) : video));
      RtspTestServer server = new RtspTestServer(served, user, password, false);
      server.start();
      return server;
    }
  }

  /** How long a looped mount streams before its end (longer than any test's connection). */
  static final java.time.Duration LOOPED_LENGTH = java.time.Duration.ofMinutes(12);

  /**
   * {@code video} repeated (stream copy, {@link dev.tracklight.connectors.video.VideoConcat}) until
   * it lasts {@link #LOOPED_LENGTH}, made once per clip in the system temp directory and reused
   * (named by the clip's name, size and modification time). The 13.6 s hall clip becomes 53 copies,
   * 146 MB, in seconds.
   */
  static synchronized Path loopedCopy(Path video) {
    try {
      Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "tracklight-rtsp-loops"));
      String name = video.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
      Path looped = dir.resolve(name + "-" + Files.size(video) + "-"
          + Files.getLastModifiedTime(video).toMillis() + "-" + LOOPED_LENGTH.toMinutes() + "min.mp4");
      if (Files.exists(looped)) {
        return looped;
      }
      long durationMs;
      try (var reader = dev.tracklight.connectors.video.VideoReader.open(video,
          dev.tracklight.connectors.video.VideoReadOptions.defaults())) {
        durationMs = Math.max(1, reader.info().durationMs());
      }
      int copies = (int) Math.max(1, (LOOPED_LENGTH.toMillis() + durationMs - 1) / durationMs);
      dev.tracklight.connectors.video.VideoConcat.concat(java.util.Collections.nCopies(copies, video), looped);
      return looped;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot make a looped copy of " + video + ": " + e.getMessage(), e);
    }
  }

  /** rtsp://127.0.0.1:PORT/MOUNT, without credentials. */
  public String url(String mount) {
    return "rtsp://127.0.0.1:" + port + "/" + mount;
  }

  /** rtsp://USER:PASSWORD@127.0.0.1:PORT/MOUNT with the given credentials (right or wrong). */
  public String url(String mount, String userName, String secret) {
    return "rtsp://" + userName + ":" + secret + "@127.0.0.1:" + port + "/" + mount;
  }

  public int port() {
    return port;
  }

  /** (Re)starts the process on this server's port and waits until it accepts connections. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("RTSP test server already running on port " + port);
    }
    List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--port",
        Integer.toString(port)));
    mounts.forEach((name, video) -> command.addAll(List.of("--mount", name + "=" + video)));
    if (user != null) {
      command.addAll(List.of("--user", user, "--password", password));
    }
    if (!loop) {
      command.add("--no-loop");
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
    // A restart right after a kill can find the port still held by the dying process: retry.
    while (true) {
      CountDownLatch ready = new CountDownLatch(1);
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + PYTHON + " " + script, e);
      }
      drain(process, ready);
      try {
        while (!ready.await(50, TimeUnit.MILLISECONDS)) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            break;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the RTSP test server", e);
      }
      if (ready.getCount() == 0 && acceptsConnections()) {
        paused = false;
        return;
      }
      process.destroyForcibly();
      waitForExit();
      if (System.nanoTime() > deadline) {
        fail("RTSP test server did not become ready on port " + port + " within "
            + READY_TIMEOUT_MS + " ms; output: " + recentOutput());
      }
      sleepQuietly(200);
    }
  }

  /** Kills the server (SIGKILL): its clients see the connection drop at once. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (paused) {
      signal("CONT"); // a stopped process does not die from SIGKILL until continued on some kernels
    }
    process.destroyForcibly();
    waitForExit();
    paused = false;
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is sent or answered. */
  public synchronized void pause() {
    signal("STOP");
    paused = true;
  }

  /** Thaws a paused server (SIGCONT). */
  public synchronized void resume() {
    signal("CONT");
    paused = false;
  }

  @Override
  public synchronized void close() {
    stop();
  }

  /** The last lines the server printed, for failure messages. */
  public String recentOutput() {
    synchronized (output) {
      return String.join(" | ", output);
    }
  }

  /**
   * Fails (TRACKLIGHT_ASSETS set, i.e. CI) or skips (unset) when /usr/bin/python3 cannot load
   * GStreamer's RTSP server.
   */
  public static synchronized void requireAvailable() {
    if (available == null) {
      available = probe();
    }
    if (!available) {
      String message = "RTSP test server unavailable: " + PYTHON + " cannot import GstRtspServer;"
          + " run tools/install-rtsp-test-server.sh (as root) first";
      String assets = System.getenv("TRACKLIGHT_ASSETS");
      assumeTrue(assets != null && !assets.isBlank(), message);
      fail(message);
    }
  }

  private static boolean probe() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", "import gi; gi.require_version('Gst', '1.0');"
          + " gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void drain(Process p, CountDownLatch ready) {
    Thread thread = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          synchronized (output) {
            output.addLast(line);
            while (output.size() > 20) {
              output.removeFirst();
            }
          }
          if (line.startsWith("READY ")) {
            ready.countDown();
          }
        }
      } catch (IOException e) {
        // the process died; its exit is handled by start()/stop()
      }
    }, "rtsp-test-server-output-" + port);
    thread.setDaemon(true);
    thread.start();
  }

  private boolean acceptsConnections() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void signal(String name) {
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("RTSP test server on port " + port + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling the RTSP test server", e);
    }
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("RTSP test server " + process.pid() + " did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /** tools/rtsp/rtsp_loop.py, found from the module directory surefire runs in (or the root). */
  private static Path findScript() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path candidate = p.resolve("tools/rtsp/rtsp_loop.py");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("tools/rtsp/rtsp_loop.py not found above " + dir);
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
