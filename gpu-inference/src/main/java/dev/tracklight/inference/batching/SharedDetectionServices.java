package dev.tracklight.inference.batching;

import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.model.ModelRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The per-JVM registry of {@link BatchingDetectionService}s: one service (and so one detector and
 * one model load) per {@link Key}, shared by reference counting among everyone who
 * {@link #acquire}s it, e.g. the parallel subtasks of a Flink job in one TaskManager.
 *
 * <p><b>Life cycle.</b> The first {@code acquire} of a key creates the service through the injected
 * {@link ServiceFactory}; later ones share it. Each {@link Lease} is closed once (closing it again
 * does nothing); when the last lease of a key closes, the service (and its detector) closes and the
 * key is forgotten, so the next {@code acquire} creates a fresh one.
 *
 * <p><b>Threads.</b> The map and the reference counts are guarded by one lock, but the slow parts
 * run outside it: a model load (seconds) blocks only the callers that want the same key, which wait
 * for the creator's result, and closing a service (joining its worker) blocks only the releaser. If
 * creation fails, every caller waiting for that key gets the same exception and the key is
 * forgotten, so a later {@code acquire} tries again. Because a closing service is already forgotten,
 * an {@code acquire} racing with the last release creates a new service while the old one is still
 * shutting down: for that moment two copies of the model are loaded.
 *
 * <p><b>Ownership.</b> The registry owns the services it creates; lease holders must not close
 * {@link Lease#service()} themselves. A lease that is never closed keeps its service (and model) alive
 * for the life of the registry.
 *
 * <p>"Per JVM" holds for {@link #global()} as long as this class is loaded once: in Flink, put the
 * jar in the TaskManager's {@code lib/} (parent-first); from a job jar it is one per job class loader,
 * i.e. one model load per job per TaskManager, shared by that job's subtasks. Either way the engines'
 * native bindings (DJL, ONNX Runtime, JavaCPP) must be loaded parent-first, or a second job on the
 * TaskManager cannot load their native libraries (docs/cluster.md).
 */
public final class SharedDetectionServices {

  /**
   * What identifies a shared service; value-equal, so subtasks that build equal options share.
   * Checks on construction that the batching max batch fits the detector's.
   */
  public record Key(DetectorOptions detector, BatchingConfig batching) {
    public Key {
      if (detector == null || batching == null) {
        throw new InvalidInputException("a shared detection service key needs both detector options"
            + " and a batching config");
      }
      batching.requireFits(detector.maxBatch());
    }
  }

  /** Creates the service for a key; called once per key per life cycle, outside any lock. */
  @FunctionalInterface
  public interface ServiceFactory {
    BatchingDetectionService create(Key key);
  }

  private static final class GlobalHolder {
    static final SharedDetectionServices INSTANCE = new SharedDetectionServices(key ->
        BatchingDetectionService.open(key.detector(), key.batching(), ModelRegistry.fromEnvironment()));
  }

  private final ServiceFactory factory;
  private final Object lock = new Object();
  /** Guarded by {@link #lock}. */
  private final Map<Key, Entry> entries = new HashMap<>();

  public SharedDetectionServices(ServiceFactory factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /**
   * The process-wide registry, opening {@link dev.tracklight.inference.YoloDetector}s with the
   * model registry of this process's environment ({@code TRACKLIGHT_ASSETS}, model cache).
   */
  public static SharedDetectionServices global() {
    return GlobalHolder.INSTANCE;
  }

  /**
   * A lease on the service for {@code key}, creating it if no one holds one. Blocks while another
   * caller creates the service for the same key.
   *
   * @throws RuntimeException whatever the factory threw (the same for every caller that waited)
   */
  public Lease acquire(Key key) {
    return acquire(key, factory);
  }

  /**
   * As {@link #acquire(Key)}, but if no one holds {@code key}, the service is created by
   * {@code create} instead of the registry's factory. A caller that already loaded the model (the
   * CLI checks it before building a job) hands it over this way, and the job's subtasks, acquiring
   * the same key, share it instead of loading the model again. {@code create} is not called when
   * the key is live; then whatever it would have taken over stays the caller's.
   */
  public Lease acquire(Key key, ServiceFactory create) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(create, "create");
    Entry entry;
    boolean creator;
    synchronized (lock) {
      entry = entries.get(key);
      creator = entry == null;
      if (creator) {
        entry = new Entry(key);
        entries.put(key, entry);
      }
      entry.leases++;
    }
    if (creator) {
      try {
        entry.service.complete(Objects.requireNonNull(create.create(key),
            "service factory returned null"));
      } catch (RuntimeException | Error e) {
        synchronized (lock) {
          entries.remove(key, entry);
        }
        entry.service.completeExceptionally(e);
        throw e;
      }
    }
    try {
      return new Lease(entry, entry.service.join());
    } catch (CompletionException e) {
      // Someone else's creation failed: rethrow its exception as is (it was already thrown there).
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Keys with a live service right now (for tests and a gauge). */
  public int liveServices() {
    synchronized (lock) {
      return entries.size();
    }
  }

  private void release(Entry entry, BatchingDetectionService service) {
    boolean last;
    synchronized (lock) {
      last = --entry.leases == 0;
      if (last) {
        entries.remove(entry.key, entry);
      }
    }
    if (last) {
      service.close();
    }
  }

  /** One key's service and how many leases hold it. */
  private static final class Entry {
    final Key key;
    final CompletableFuture<BatchingDetectionService> service = new CompletableFuture<>();
    /** Guarded by the registry's lock. */
    int leases;

    Entry(Key key) {
      this.key = key;
    }
  }

  /**
   * A hold on a shared service. Close it once when done (Flink: in the async function's
   * {@code close}); the last close of a key closes the service. Not for sharing between owners.
   */
  public final class Lease implements AutoCloseable {
    private final Entry entry;
    private final BatchingDetectionService service;
    private boolean closed;

    private Lease(Entry entry, BatchingDetectionService service) {
      this.entry = entry;
      this.service = service;
    }

    /** The shared service; valid until this lease closes. Do not close it yourself. */
    public BatchingDetectionService service() {
      synchronized (this) {
        if (closed) {
          throw new IllegalStateException("lease on " + entry.key + " is closed");
        }
      }
      return service;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      release(entry, service);
    }
  }
}
