package dev.tracklight.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded executor: each job is one replay process (the command from {@link ReplayLauncher}),
 * at most {@code workers} at a time; the others wait in the pool's queue, reported "queued".
 *
 * <p><b>Why a process per job, not the replay in this JVM.</b> A replay holds a MiniCluster, a
 * model and hundreds of MB of frames; in its own process a crash or an out-of-memory kills that job
 * only, cancel is a kill that frees everything, and the replay's frame counter (a JVM-wide static)
 * counts that job alone.
 *
 * <p><b>Threads.</b> One pool thread per running job reads the process's output (progress lines,
 * the final {@code error:} line, copied to {@code replay.log} next to the outputs) and waits for it.
 * {@link #cancel} and {@link #close} destroy the process from another thread; the pool thread then
 * sees it exit and reports the failure with the reason recorded by whoever destroyed it.
 */
public final class LocalExecutor implements JobExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(LocalExecutor.class);
  private final ReplayLauncher launcher;
  private final ExecutorService pool;
  /** Jobs submitted and not finished: their future (queued) and process (running). */
  private final Map<String, Entry> live = new ConcurrentHashMap<>();

  /** One submitted job; its fields change under its own lock (worker thread vs. stop()). */
  private static final class Entry {
    Future<?> future;
    boolean started;
    Process process;
    String stopReason;
  }

  public LocalExecutor(ReplayLauncher launcher, int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be >= 1, got " + workers);
    }
    this.launcher = launcher;
    this.pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "console-replay-worker");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public void submit(String jobId, String video, Path outDir, JobOptions options, Listener listener) {
    Entry e = new Entry();
    live.put(jobId, e);
    Future<?> f = pool.submit(() -> {
      try {
        run(jobId, e, video, outDir, options, listener);
      } catch (Exception ex) {
        String reason;
        synchronized (e) {
          reason = e.stopReason;
        }
        listener.failed(reason != null ? reason : "replay could not run: " + ex.getMessage());
      } finally {
        live.remove(jobId);
      }
    });
    synchronized (e) {
      e.future = f;
    }
  }

  private void run(String jobId, Entry e, String video, Path outDir, JobOptions options, Listener listener)
      throws IOException, InterruptedException {
    synchronized (e) {
      if (e.stopReason != null) {
        listener.failed(e.stopReason);
        return;
      }
      e.started = true;
    }
    Files.createDirectories(outDir);
    Optional<Path> rules = Optional.empty();
    if (options.rules().isPresent()) {
      rules = Optional.of(Files.writeString(outDir.resolveSibling(jobId + "-rules.yaml"), options.rules().get()));
    }
    List<String> cmd = launcher.command(video, outDir, rules, options.blurClasses());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    synchronized (e) {
      e.process = p;
      if (e.stopReason != null) {
        kill(p); // stopped while it was starting
      }
    }
    listener.running("pid:" + p.pid());
    String error = null;
    String last = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         Writer log = Files.newBufferedWriter(outDir.resolveSibling(jobId + "-replay.log"))) {
      for (String line; (line = in.readLine()) != null; ) {
        Optional<ProgressLine> progress = ProgressLine.parse(line);
        if (progress.isPresent()) {
          if (progress.get().total() > 0) {
            listener.progress(Math.min(1.0, progress.get().done() / (double) progress.get().total()));
          }
          continue;
        }
        log.write(line);
        log.write('\n');
        if (line.startsWith("error: ")) {
          error = line.substring("error: ".length()).strip();
        }
        if (!line.isBlank()) {
          last = line.strip();
        }
      }
    }
    int code = p.waitFor();
    String stopped;
    synchronized (e) {
      stopped = e.stopReason;
    }
    if (stopped != null) {
      listener.failed(stopped);
    } else if (code == 0) {
      listener.progress(1.0);
      listener.done();
    } else {
      listener.failed(error != null ? error : "replay exited with " + code + (last == null ? "" : ": " + last));
    }
  }

  /**
   * A job a previous console left running has no process any more (it died with that console, or
   * outlived it and is killed now: its output pipe went with the console) and is failed with that
   * reason; a job still queued is queued again.
   */
  @Override
  public void resume(Job job, Path outDir, Listener listener) {
    if (job.status() == JobStatus.QUEUED) {
      submit(job.id(), job.source(), outDir, JobOptions.fromJson(job.options()), listener);
      return;
    }
    job.externalId().filter(x -> x.startsWith("pid:"))
        .flatMap(x -> ProcessHandle.of(Long.parseLong(x.substring(4))))
        .ifPresent(ph -> {
          ph.descendants().forEach(ProcessHandle::destroyForcibly);
          ph.destroyForcibly();
        });
    listener.failed(RESTARTED);
    LOG.info("job {} was running when the console stopped: marked failed", job.id());
  }

  /** The reason a local job that was running when the console stopped is failed with. */
  public static final String RESTARTED = "the console stopped while the job ran; retry it";

  @Override
  public boolean cancel(String jobId) {
    return stop(jobId, "cancelled");
  }

  private boolean stop(String jobId, String reason) {
    Entry e = live.get(jobId);
    if (e == null) {
      return false;
    }
    Future<?> f;
    Process p;
    boolean started;
    synchronized (e) {
      e.stopReason = reason;
      f = e.future;
      p = e.process;
      started = e.started;
    }
    if (!started) {
      // Still queued: it will not start (FutureTask.cancel returns true for a running task too,
      // so "started" is what tells the two apart). The caller records the job's state.
      if (f != null) {
        f.cancel(false);
      }
      live.remove(jobId);
    } else if (p != null) {
      kill(p);
    }
    return true;
  }

  /** The replay and whatever it started (a killed JVM's children would keep its output pipe open). */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  @Override
  public void close() {
    for (String id : List.copyOf(live.keySet())) {
      stop(id, "console stopped while the job ran");
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("replay workers did not stop within 10 s");
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }
}
