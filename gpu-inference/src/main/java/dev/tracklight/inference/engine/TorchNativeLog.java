package dev.tracklight.inference.engine;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LibTorch's own log threshold. LibTorch logs through c10, whose threshold is the global
 * {@code FLAGS_caffe2_log_level} (0 info, 1 warning, 2 error, 3 fatal; default 1); Python's torch
 * sets it from {@code TORCH_CPP_LOG_LEVEL}, but LibTorch loaded by DJL never reads that variable. At
 * warning level, a CPU where NNPACK cannot start prints {@code Could not initialize NNPACK! Reason:
 * Unsupported hardware.} on every convolution call (hundreds of lines per benchmark; PyTorch falls
 * back to its other kernels, so it says nothing a user can act on). So after the PyTorch engine
 * loads, the threshold is set through the exported variable of the loaded {@code libc10.so}: to
 * {@code TORCH_CPP_LOG_LEVEL} when set, else to errors only.
 *
 * <p>Set once per process (the variable is process-wide); failures (another platform, a LibTorch
 * without the symbol) only leave LibTorch's default and are logged at debug level.
 */
final class TorchNativeLog {

  private static final Logger LOG = LoggerFactory.getLogger(TorchNativeLog.class);
  /** c10's level for errors: warnings, such as NNPACK's, are dropped. */
  static final int ERROR = 2;
  private static final String SYMBOL = "FLAGS_caffe2_log_level";

  private static boolean applied;

  private TorchNativeLog() {}

  /** Sets LibTorch's threshold once, after the PyTorch engine has loaded {@code libc10.so}. */
  static synchronized void apply() {
    if (applied) {
      return;
    }
    applied = true;
    int level = parse(System.getenv("TORCH_CPP_LOG_LEVEL")).orElse(ERROR);
    try {
      Optional<Path> lib = loadedLibrary("libc10.so");
      if (lib.isEmpty()) {
        LOG.debug("libc10.so is not loaded; LibTorch keeps its log level");
        return;
      }
      NativeLibrary.getInstance(lib.get().toString()).getGlobalVariableAddress(SYMBOL).setInt(0, level);
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("cannot set LibTorch's log level: {}", e.toString());
    }
  }

  /** LibTorch's threshold now, or empty if it cannot be read. */
  static Optional<Integer> level() {
    try {
      return loadedLibrary("libc10.so").map(lib -> NativeLibrary.getInstance(lib.toString())
          .getGlobalVariableAddress(SYMBOL).getInt(0));
    } catch (RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** {@code TORCH_CPP_LOG_LEVEL}'s values: INFO, WARNING, ERROR, FATAL or 0..3. */
  static Optional<Integer> parse(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return switch (value.strip().toUpperCase(Locale.ROOT)) {
      case "INFO", "0" -> Optional.of(0);
      case "WARNING", "1" -> Optional.of(1);
      case "ERROR", "2" -> Optional.of(2);
      case "FATAL", "3" -> Optional.of(3);
      default -> Optional.empty();
    };
  }

  /** The path of a shared library this process has mapped, from {@code /proc/self/maps} (Linux). */
  private static Optional<Path> loadedLibrary(String fileName) {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return Optional.empty();
    }
    try (var lines = Files.lines(maps)) {
      return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.endsWith("/" + fileName))
          .findFirst().map(Path::of);
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }
}
