package dev.tracklight.inference.engine;

import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;

/**
 * How detection uses the CPU: how many copies of the model split each batch ({@code replicas}, see
 * {@code ReplicatedDetector}), how many threads each copy's forward pass uses, and whether ONNX
 * Runtime's idle pool threads spin. Zero means "work it out" ({@link #resolve}).
 *
 * <p><b>Two defaults, because it depends on what else runs.</b> {@link #ALONE} is ONNX Runtime's
 * own behaviour (one session, a thread per core, spinning), best when nothing else needs the cores
 * while a frame is detected: the {@code detect} command and the serial loop, which decodes and
 * encodes between detections, not during them. {@link #SHARED} is for the Flink jobs, whose task
 * threads decode, annotate and encode while the inference thread detects:
 * <ul>
 *   <li>spinning off: ONNX Runtime's pool threads busy-wait between parallel sections and after a
 *       run, so they hold the cores the task thread needs (in the replay, encoding took twice as
 *       long as in the serial loop); with spinning off they sleep, and lose a wake-up per section;
 *   <li>one single-threaded copy per core (up to {@link #MAX_AUTO_REPLICAS}): YOLOX-Nano barely
 *       gains from a second intra-op thread at batch 1, and at batch 4 two threads do 15 ms/image
 *       where one does 23 ms, i.e. two threads burn 30 core-ms per image against 23. Two copies,
 *       each on half the batch, keep the single-thread efficiency and need no per-operator
 *       barrier that a preempted thread would hold up.
 * </ul>
 * Measurements: docs/platform-notes.md, "ONNX Runtime threads".
 *
 * <p>LibTorch's thread pool is process-wide (DJL sets it when the engine starts), so the PyTorch
 * engine runs one copy with its own threads: explicit replicas or intra-op threads are rejected
 * there, and spinning is ignored.
 *
 * @param replicas copies of the model, each on its own thread with its share of every batch; 0 =
 *     one per core up to {@link #MAX_AUTO_REPLICAS} for ONNX Runtime on the CPU, else 1
 * @param intraOpThreads threads one forward pass of one copy is split over, the calling thread
 *     included; 0 = the engine's default (one per core) for a single copy, else cores / copies
 * @param spinning whether ONNX Runtime's idle intra-op pool threads busy-wait instead of sleeping
 */
public record EngineThreads(int replicas, int intraOpThreads, boolean spinning) implements Serializable {

  /** Sanity bound on both counts: more than any machine we target has cores is a typo. */
  public static final int MAX_THREADS = 256;
  /**
   * Most copies "auto" makes: each copy holds its own ONNX Runtime session and arenas (tens of MB
   * for a nano model at batch 8), and with a few copies a many-core TaskManager is better served
   * by giving each copy several threads than by a copy per core.
   */
  public static final int MAX_AUTO_REPLICAS = 4;

  /** ONNX Runtime's defaults: one copy, a thread per core, spinning. For a detector alone. */
  public static final EngineThreads ALONE = new EngineThreads(1, 0, true);
  /** For a detector sharing the cores with other stages (the Flink jobs): see the class note. */
  public static final EngineThreads SHARED = new EngineThreads(0, 0, false);

  public EngineThreads {
    if (replicas < 0 || replicas > MAX_THREADS) {
      throw new InvalidInputException("replicas must be in 0.." + MAX_THREADS
          + " (0 = one per core), got " + replicas);
    }
    if (intraOpThreads < 0 || intraOpThreads > MAX_THREADS) {
      throw new InvalidInputException("intra-op threads must be in 0.." + MAX_THREADS
          + " (0 = automatic), got " + intraOpThreads);
    }
  }

  public EngineThreads withReplicas(int value) {
    return new EngineThreads(value, intraOpThreads, spinning);
  }

  public EngineThreads withIntraOpThreads(int value) {
    return new EngineThreads(replicas, value, spinning);
  }

  public EngineThreads withSpinning(boolean value) {
    return new EngineThreads(replicas, intraOpThreads, value);
  }

  /**
   * These settings made concrete for {@code kind} on {@code cores} CPU cores: replicas at least 1,
   * and intra-op threads set where there are several copies (0 is left for a single copy: the
   * engine's own default). Copies are meant for the CPU; a caller that finds the model on a GPU
   * uses one.
   *
   * @throws InvalidInputException for explicit replicas or intra-op threads on the PyTorch engine
   */
  public EngineThreads resolve(EngineKind kind, int cores) {
    if (kind == EngineKind.PYTORCH) {
      if (replicas > 1 || intraOpThreads > 0) {
        throw new InvalidInputException("replicas and intra-op threads are ONNX Runtime settings, got "
            + this + " for the pytorch engine; expected 0 (automatic) or 1 replica and 0 threads"
            + " (LibTorch's thread pool is process-wide)");
      }
      return new EngineThreads(1, 0, spinning);
    }
    int copies = replicas > 0 ? replicas : Math.max(1, Math.min(cores, MAX_AUTO_REPLICAS));
    int threads = intraOpThreads > 0 || copies == 1 ? intraOpThreads : Math.max(1, cores / copies);
    return new EngineThreads(copies, threads, spinning);
  }

  @Override
  public String toString() {
    return (replicas == 0 ? "auto" : Integer.toString(replicas)) + " replica(s), "
        + (intraOpThreads == 0 ? "auto" : Integer.toString(intraOpThreads)) + " intra-op thread(s), "
        + (spinning ? "spinning" : "no spinning");
  }
}
