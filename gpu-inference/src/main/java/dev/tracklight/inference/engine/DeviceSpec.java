package dev.tracklight.inference.engine;

import dev.tracklight.inference.InvalidInputException;
import java.util.List;
import java.util.Locale;

/**
 * A requested compute device: {@code cpu}, {@code gpu} (= {@code gpu:0}), {@code gpu:N} or
 * {@code auto} (the first GPU if there is one, else the CPU). Resolving against the GPUs actually
 * present never silently falls back: asking for a GPU that is not there is an error.
 *
 * @param kind what was asked for
 * @param gpuIndex the GPU ordinal for {@link Kind#GPU}, else 0
 */
public record DeviceSpec(Kind kind, int gpuIndex) implements java.io.Serializable {

  /** The kinds of device request. */
  public enum Kind { CPU, GPU, AUTO }

  public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, 0);
  public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, 0);

  public DeviceSpec {
    if (gpuIndex < 0 || (kind != Kind.GPU && gpuIndex != 0)) {
      throw new IllegalArgumentException("bad device " + kind + ":" + gpuIndex);
    }
  }

  /** Parses {@code cpu}, {@code gpu}, {@code gpu:N}, {@code cuda:N} or {@code auto}. */
  public static DeviceSpec parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "cpu":
        return CPU;
      case "auto":
        return AUTO;
      case "gpu":
      case "cuda":
        return new DeviceSpec(Kind.GPU, 0);
      default:
        break;
    }
    int colon = t.indexOf(':');
    if (colon > 0 && (t.startsWith("gpu:") || t.startsWith("cuda:"))) {
      try {
        int index = Integer.parseInt(t.substring(colon + 1));
        if (index >= 0) {
          return new DeviceSpec(Kind.GPU, index);
        }
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new InvalidInputException("unknown device '" + text + "'; expected cpu, gpu, gpu:N or auto");
  }

  /**
   * The concrete device given how many GPUs the engine sees.
   *
   * @return a spec of kind CPU or GPU
   * @throws InvalidInputException when a GPU was requested that does not exist
   */
  public DeviceSpec resolve(int gpuCount) {
    switch (kind) {
      case CPU:
        return this;
      case AUTO:
        return gpuCount > 0 ? new DeviceSpec(Kind.GPU, 0) : CPU;
      default:
        if (gpuCount == 0) {
          throw new InvalidInputException(
              "GPU requested but none is available; use --device cpu or auto");
        }
        if (gpuIndex >= gpuCount) {
          throw new InvalidInputException("GPU " + gpuIndex + " requested but only " + gpuCount
              + " GPU(s) are available (gpu:0.." + (gpuCount - 1) + "); use --device gpu:0, cpu or auto");
        }
        return this;
    }
  }

  /**
   * The device of one of several workers sharing the GPUs a scheduler gave this process (Flink's
   * external resource {@code gpu} on a TaskManager): {@code cpu} stays on the CPU; {@code auto}
   * and {@code gpu} take the given GPUs round robin by worker index, so the workers' shared models
   * spread over all of them (which GPU a {@code gpu:N} request names is then the scheduler's
   * choice, not the request's). With no GPU given the request is unchanged, for {@link #resolve}
   * against what the engine sees: {@code auto} runs on the CPU of a machine without a GPU, and
   * {@code gpu} fails there with a clear error.
   *
   * @param gpus the GPU ordinals given to this process, in the scheduler's order
   * @param worker this worker's index (a Flink subtask index), from 0
   */
  public DeviceSpec assignedAmong(List<Integer> gpus, int worker) {
    if (worker < 0) {
      throw new IllegalArgumentException("worker index " + worker);
    }
    if (kind == Kind.CPU || gpus.isEmpty()) {
      return this;
    }
    return new DeviceSpec(Kind.GPU, gpus.get(worker % gpus.size()));
  }

  @Override
  public String toString() {
    return kind == Kind.GPU ? "gpu:" + gpuIndex : kind.name().toLowerCase(Locale.ROOT);
  }
}
