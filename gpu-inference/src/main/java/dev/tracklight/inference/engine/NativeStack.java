package dev.tracklight.inference.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs ONNX Runtime's loading on a thread with a large stack.
 *
 * <p><b>Why.</b> Loading ONNX Runtime 1.29's native library (its static initialisers) and
 * creating a session need more native stack than a Java thread's default 1 MiB leaves once a few
 * other native libraries (FFmpeg, OpenCV) are in the process: the CLI's {@code detect} on the
 * main thread died with SIGSEGV on the stack's guard page, without a JVM error report, right after
 * {@code libonnxruntime4j_jni.so} was loaded (seen with {@code strace}; {@code -Xss8m} cured it).
 * Rather than asking every launcher for {@code -Xss}, the few calls that load or compile a model
 * run here; forward passes do not need it.
 */
final class NativeStack {

  /**
   * Stack reserved for a load. Only the touched pages are committed, so a generous reservation
   * costs address space, not memory; 8 MiB already sufficed, 64 MiB leaves room for larger graphs.
   */
  static final long STACK_BYTES = 64L << 20;

  private NativeStack() {
  }

  /** Runs {@code work} on a fresh large-stack thread and returns its result or rethrows its failure. */
  static <T> T call(String what, Callable<T> work) {
    FutureTask<T> task = new FutureTask<>(work);
    Thread thread = new Thread(null, task, "tracklight-onnxruntime-" + what, STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // a native load cannot be cut short; wait for it, then re-flag
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException re) {
            throw re;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException("onnxruntime failed to " + what + ": " + cause, cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
