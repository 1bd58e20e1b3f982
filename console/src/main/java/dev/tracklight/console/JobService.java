package dev.tracklight.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs from creation to their files: stores each record, hands the job to the executor, records
 * what the executor reports and publishes every change.
 *
 * <p><b>Layout of the data directory.</b> {@code uploads/<id>/<name>} the uploaded video,
 * {@code results/<id>/} the replay's {@code --out} (the outputs land in its one subdirectory),
 * {@code results/<id>-replay.log} the replay's output.
 *
 * <p><b>State.</b> The store is the truth; a finished job never changes again (a late report
 * from a cancelled process is ignored), which is checked under this object's lock.
 */
public final class JobService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

  private final JobStore store;
  /** By name; the first is the default. */
  private final Map<String, JobExecutor> executors = new LinkedHashMap<>();
  private final Path dataDir;
  private final JobEvents events = new JobEvents();
  private final Clock clock;

  public JobService(JobStore store, JobExecutor executor, Path dataDir, Clock clock) {
    this(store, List.of(executor), dataDir, clock);
  }

  /** {@code executors}: the first is the default; names must differ. */
  public JobService(JobStore store, List<JobExecutor> executors, Path dataDir, Clock clock) {
    this.store = store;
    for (JobExecutor e : executors) {
      if (this.executors.putIfAbsent(e.name(), e) != null) {
        throw new IllegalArgumentException("two executors named " + e.name());
      }
    }
    if (this.executors.isEmpty()) {
      throw new IllegalArgumentException("no executor");
    }
    this.dataDir = dataDir;
    this.clock = clock;
  }

  public JobEvents events() {
    return events;
  }

  public Path uploadDir(String id) {
    return dataDir.resolve("uploads").resolve(id);
  }

  public Path resultDir(String id) {
    return dataDir.resolve("results").resolve(id);
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  /** The executors' names, the default first. */
  public List<String> executorNames() {
    return List.copyOf(executors.keySet());
  }

  /** Records and queues a job on the default executor. */
  public Job create(String id, String owner, String videoName, String video, JobOptions options) {
    return create(id, owner, videoName, video, options, executorNames().get(0));
  }

  /**
   * Records and queues a job whose video is at {@code video} (under {@link #uploadDir}, or an
   * s3:// URI) on the executor named {@code executorName} (one of {@link #executorNames}).
   */
  public Job create(String id, String owner, String videoName, String video, JobOptions options,
      String executorName) {
    if (!executors.containsKey(executorName)) {
      throw new IllegalArgumentException("unknown executor '" + executorName + "' (expected one of "
          + executors.keySet() + ")");
    }
    Instant now = clock.instant();
    Job job = new Job(id, owner, JobStatus.QUEUED, 0, Optional.empty(), videoName, video,
        executorName, Optional.empty(), options.toJson(), now, now);
    store.insert(job);
    events.publish(job);
    submit(job);
    return job;
  }

  private void submit(Job job) {
    executors.get(job.executor()).submit(job.id(), job.source(), resultDir(job.id()),
        JobOptions.fromJson(job.options()), listener(job));
  }

  /** Records what the executor reports about {@code job}. */
  private JobExecutor.Listener listener(Job job) {
    return new JobExecutor.Listener() {
          @Override
          public void accepted(String externalId) {
            store.setExternalId(job.id(), externalId);
            store.get(job.id()).ifPresent(events::publish);
          }

          @Override
          public void running(String externalId) {
            store.setExternalId(job.id(), externalId);
            change(job.id(), JobStatus.RUNNING, 0, Optional.empty());
          }

          @Override
          public void progress(double fraction) {
            change(job.id(), JobStatus.RUNNING, fraction, Optional.empty());
          }

          @Override
          public void done() {
            change(job.id(), JobStatus.DONE, 1, Optional.empty());
          }

          @Override
          public void failed(String reason) {
            change(job.id(), JobStatus.FAILED, -1, Optional.of(reason));
          }
        };
  }

  /** Applies a reported change unless the job finished already; progress -1 keeps the last one. */
  private synchronized void change(String id, JobStatus status, double progress, Optional<String> error) {
    Optional<Job> current = store.get(id);
    if (current.isEmpty() || current.get().status().finished()) {
      return;
    }
    double p = progress < 0 ? current.get().progress() : progress;
    store.update(id, status, p, error, clock.instant());
    store.get(id).ifPresent(events::publish);
  }

  public Optional<Job> get(String id) {
    return store.get(id);
  }

  public List<Job> list(String owner, int offset, int limit) {
    return store.list(owner, offset, limit);
  }

  /** Cancels a queued or running job (failed, "cancelled"); false if it had finished. */
  public boolean cancel(String id) {
    Optional<Job> j = store.get(id);
    if (j.isEmpty() || j.get().status().finished()) {
      return false;
    }
    change(id, JobStatus.FAILED, -1, Optional.of("cancelled"));
    JobExecutor e = executors.get(j.get().executor());
    if (e != null) {
      e.cancel(id);
    }
    return true;
  }

  /** A failed job again, as a new job with the same video and options. */
  public Job retry(Job failed) {
    String executor = executors.containsKey(failed.executor()) ? failed.executor() : executorNames().get(0);
    return create(newId(), failed.owner(), failed.videoName(), failed.source(), JobOptions.fromJson(failed.options()),
        executor);
  }

  /**
   * Cancels if needed, then removes what the executor keeps elsewhere (S3), the record and the
   * job's results (and its upload if unshared). If the executor could not remove its part the
   * record stays (IOException, one line) so that deleting again retries.
   */
  public void delete(Job job) throws IOException {
    cancel(job.id());
    JobExecutor e = executors.get(job.executor());
    if (e != null) {
      e.purge(job);
    }
    store.delete(job.id());
    deleteTree(resultDir(job.id()));
    deleteTree(resultDir(job.id()).resolveSibling(job.id() + "-replay.log"));
    deleteTree(resultDir(job.id()).resolveSibling(job.id() + "-rules.yaml"));
    if (!job.source().startsWith("s3://") && Path.of(job.source()).startsWith(uploadDir(job.id()))) {
      deleteTree(uploadDir(job.id()));
    }
  }

  /**
   * At start: every job the store has as queued or running is handed to its executor to be brought
   * up to date ({@link JobExecutor#resume}): a local one left running died with the console and is
   * failed with that reason, a Batch one is looked up and followed again. A job whose executor is
   * not configured any more is failed with that reason rather than left running forever.
   */
  public void reconcile() {
    List<Job> open = new ArrayList<>(store.withStatus(JobStatus.RUNNING));
    open.addAll(store.withStatus(JobStatus.QUEUED));
    for (Job j : open) {
      JobExecutor e = executors.get(j.executor());
      if (e == null) {
        change(j.id(), JobStatus.FAILED, -1, Optional.of("its executor '" + j.executor()
            + "' is not configured in this console any more; retry it"));
        continue;
      }
      e.resume(j, resultDir(j.id()), listener(j));
    }
  }

  /** The files of a finished job: name (relative, '/'-separated) → path. */
  public List<Path> files(Job job) {
    Path root = outputRoot(job);
    if (root == null) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory holding a job's outputs: the one subdirectory the replay made under its --out. */
  public Path outputRoot(Job job) {
    Path out = resultDir(job.id());
    if (!Files.isDirectory(out)) {
      return null;
    }
    try (Stream<Path> s = Files.list(out)) {
      return s.filter(Files::isDirectory).findFirst().orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException e) {
          LOG.warn("could not delete {}: {}", f, e.getMessage());
        }
      });
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", p, e.getMessage());
    }
  }

  @Override
  public void close() {
    executors.values().forEach(JobExecutor::close);
  }
}
