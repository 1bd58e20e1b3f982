package dev.tracklight.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
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
  private final JobExecutor executor;
  private final Path dataDir;
  private final JobEvents events = new JobEvents();
  private final Clock clock;

  public JobService(JobStore store, JobExecutor executor, Path dataDir, Clock clock) {
    this.store = store;
    this.executor = executor;
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

  /** Records and queues a job whose video is at {@code video}: under {@link #uploadDir}, or an s3:// URI. */
  public Job create(String id, String owner, String videoName, String video, JobOptions options) {
    Instant now = clock.instant();
    Job job = new Job(id, owner, JobStatus.QUEUED, 0, Optional.empty(), videoName, video,
        executor.name(), Optional.empty(), options.toJson(), now, now);
    store.insert(job);
    events.publish(job);
    submit(job);
    return job;
  }

  private void submit(Job job) {
    executor.submit(job.id(), job.source(), resultDir(job.id()), JobOptions.fromJson(job.options()),
        new JobExecutor.Listener() {
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
        });
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
    executor.cancel(id);
    return true;
  }

  /** A failed job again, as a new job with the same video and options. */
  public Job retry(Job failed) {
    return create(newId(), failed.owner(), failed.videoName(), failed.source(), JobOptions.fromJson(failed.options()));
  }

  /** Cancels if needed, then removes the record and the job's results (and its upload if unshared). */
  public void delete(Job job) {
    cancel(job.id());
    store.delete(job.id());
    deleteTree(resultDir(job.id()));
    deleteTree(resultDir(job.id()).resolveSibling(job.id() + "-replay.log"));
    deleteTree(resultDir(job.id()).resolveSibling(job.id() + "-rules.yaml"));
    if (!job.source().startsWith("s3://") && Path.of(job.source()).startsWith(uploadDir(job.id()))) {
      deleteTree(uploadDir(job.id()));
    }
  }

  /**
   * At start: a job this executor left running has no process any more (the console stopped with
   * it) and is marked failed with that reason, its process killed if it outlived the console; a
   * job still queued is queued again.
   */
  public void reconcile() {
    for (Job j : store.withStatus(JobStatus.RUNNING)) {
      if (!j.executor().equals(executor.name())) {
        continue;
      }
      j.externalId().filter(x -> x.startsWith("pid:"))
          .flatMap(x -> ProcessHandle.of(Long.parseLong(x.substring(4))))
          .ifPresent(ph -> {
            ph.descendants().forEach(ProcessHandle::destroyForcibly);
            ph.destroyForcibly();
          });
      store.update(j.id(), JobStatus.FAILED, j.progress(),
          Optional.of("the console stopped while the job ran; retry it"), clock.instant());
      LOG.info("job {} was running when the console stopped: marked failed", j.id());
    }
    for (Job j : store.withStatus(JobStatus.QUEUED)) {
      if (j.executor().equals(executor.name())) {
        submit(j);
      }
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
    executor.close();
  }
}
