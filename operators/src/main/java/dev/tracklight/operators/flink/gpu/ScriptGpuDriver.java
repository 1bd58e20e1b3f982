package dev.tracklight.operators.flink.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.externalresource.ExternalResourceDriver;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;

/**
 * Finds a TaskManager's GPUs with a discovery script, with the contract of Flink's own GPU driver
 * ({@code flink-external-resource-gpu}, which Maven Central does not serve, so the images without a
 * Flink distribution use this one): the script is called as {@code SCRIPT AMOUNT ARGS...} and
 * prints the indices of AMOUNT GPUs, comma-separated, on its last line. Configured under
 * {@code external-resource.gpu.param.}: {@code discovery-script.path} (absolute, or relative to
 * {@code FLINK_HOME} when set, else to the working directory) and {@code discovery-script.args}.
 *
 * <p>Any failure (script missing, non-zero exit, output that is not indices, fewer GPUs than asked)
 * is an exception naming the script and what it said; Flink then logs it and starts the TaskManager
 * without GPUs, where an operator configured for {@code gpu} fails with its own clear error.
 */
public final class ScriptGpuDriver implements ExternalResourceDriver {

  public static final ConfigOption<String> SCRIPT = ConfigOptions.key("discovery-script.path")
      .stringType().noDefaultValue().withDescription("The GPU discovery script.");
  public static final ConfigOption<String> ARGS = ConfigOptions.key("discovery-script.args")
      .stringType().defaultValue("").withDescription("Extra arguments for the discovery script.");
  /** A discovery script still running after this is hung (nvidia-smi on a wedged driver). */
  static final long TIMEOUT_SECONDS = 30;

  private final Path script;
  private final List<String> args;

  ScriptGpuDriver(Path script, List<String> args) {
    this.script = script;
    this.args = List.copyOf(args);
  }

  /** The driver configured by {@code config} (the parameters, prefix already stripped by Flink). */
  public static ScriptGpuDriver fromConfig(Configuration config) {
    String path = config.get(SCRIPT);
    if (path == null || path.isBlank()) {
      throw new IllegalConfigurationException("GPU discovery: external-resource.gpu.param."
          + SCRIPT.key() + " is not set; expected the path of a discovery script, e.g. gpu-discovery.sh");
    }
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      String home = System.getenv("FLINK_HOME");
      p = (home == null || home.isBlank() ? Path.of("") : Path.of(home)).resolve(p);
    }
    p = p.toAbsolutePath();
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new IllegalConfigurationException("GPU discovery script " + p + " does not exist or is not executable");
    }
    String extra = config.get(ARGS).trim();
    return new ScriptGpuDriver(p, extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\\s+")));
  }

  @Override
  public Set<GpuInfo> retrieveResourceInfo(long amount) throws IOException, InterruptedException {
    if (amount <= 0) {
      throw new IllegalArgumentException("GPU amount must be positive, got " + amount);
    }
    List<String> command = new ArrayList<>(List.of(script.toString(), Long.toString(amount)));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    process.getOutputStream().close();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("GPU discovery script " + script + " did not finish within " + TIMEOUT_SECONDS + " s");
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (process.exitValue() != 0) {
      throw new IOException("GPU discovery script " + script + " exited with " + process.exitValue()
          + (err.isEmpty() ? "" : ": " + err.lines().reduce((a, b) -> b).orElse("")));
    }
    String last = out.lines().reduce((a, b) -> b).orElse("").strip();
    Set<GpuInfo> gpus = new LinkedHashSet<>();
    for (String token : last.isEmpty() ? new String[0] : last.split(",")) {
      try {
        gpus.add(new GpuInfo(Integer.parseInt(token.strip())));
      } catch (IllegalArgumentException e) {
        throw new IOException("GPU discovery script " + script + " printed '" + last
            + "'; expected GPU indices separated by commas, e.g. 0,1");
      }
    }
    if (gpus.size() < amount) {
      throw new IOException("GPU discovery script " + script + " found " + gpus.size() + " GPU(s) ("
          + last + ") but external-resource.gpu.amount is " + amount);
    }
    Set<GpuInfo> first = new LinkedHashSet<>();
    gpus.stream().limit(amount).forEach(first::add);
    return first;
  }
}
