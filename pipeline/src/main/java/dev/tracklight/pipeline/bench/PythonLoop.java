package dev.tracklight.pipeline.bench;

import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lean Python loop a user would write instead of Tracklight (OpenCV decode, onnxruntime with
 * its default session options, YOLOX decode, NMS, a greedy IoU tracker, drawing, OpenCV's MPEG-4
 * writer, one frame at a time), run as a child process so {@code bench replay} can put our
 * replay side by side with it on the same machine and model. The script ships in the jar
 * ({@code bench/python_loop.py}) and is copied next to the run's outputs.
 *
 * @param python a Python interpreter with numpy, opencv-python and onnxruntime
 * @param script the copied script
 */
public record PythonLoop(Path python, Path script) {

  private static final String RESOURCE = "/bench/python_loop.py";
  /** Checking the interpreter's modules imports onnxruntime and OpenCV: a few seconds at most. */
  private static final long CHECK_TIMEOUT_S = 60;

  /**
   * Copies the script into {@code workDir} and checks that {@code python} can import what it
   * needs, so a wrong interpreter fails before any round instead of in the middle.
   *
   * @throws InvalidInputException if the interpreter is missing or lacks a module
   */
  public static PythonLoop prepare(Path python, Path workDir) {
    Path script = workDir.resolve("python_loop.py");
    try (InputStream in = PythonLoop.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      Files.createDirectories(workDir);
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the Python loop to " + workDir, e);
    }
    String problem = check(python);
    if (problem != null) {
      throw new InvalidInputException("--python " + python + ": " + problem
          + "; expected a Python 3 interpreter with numpy, opencv-python and onnxruntime installed");
    }
    return new PythonLoop(python, script);
  }

  /** Null when {@code python} imports numpy, cv2 and onnxruntime; else what went wrong. */
  private static String check(Path python) {
    try {
      Process p = new ProcessBuilder(python.toString(), "-c", "import numpy, cv2, onnxruntime")
          .redirectErrorStream(true).start();
      if (!p.waitFor(CHECK_TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "did not answer in " + CHECK_TIMEOUT_S + " s";
      }
      if (p.exitValue() != 0) {
        String out = new String(p.getInputStream().readAllBytes()).strip();
        List<String> lines = out.lines().toList();
        return "cannot import the modules (" + (lines.isEmpty() ? "exit " + p.exitValue()
            : lines.get(lines.size() - 1)) + ")";
      }
      return null;
    } catch (IOException e) {
      return "cannot be started (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /** The command that runs the loop on {@code video} with the ONNX {@code model}, writing {@code out}. */
  public List<String> command(Path model, Path video, Path out) {
    return List.of(python.toString(), script.toString(), model.toAbsolutePath().toString(),
        video.toAbsolutePath().toString(), out.toAbsolutePath().toString());
  }
}
