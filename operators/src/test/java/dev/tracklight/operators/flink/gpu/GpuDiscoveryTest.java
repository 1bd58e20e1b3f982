package dev.tracklight.operators.flink.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.IllegalConfigurationException;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.PluginDescriptor;
import org.apache.flink.core.plugin.PluginManager;
import org.apache.flink.runtime.externalresource.ExternalResourceInfoProvider;
import org.apache.flink.runtime.externalresource.ExternalResourceUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPUs the Flink way, on a machine without one: the driver written as a plugin jar by
 * {@link GpuDriverPlugin} is loaded the way a TaskManager loads it (Flink's plugin manager, its own
 * class loader) and, through Flink's {@link ExternalResourceUtils}, runs a discovery script that
 * reports GPU indices; the script's failures are clear errors, after which Flink gives the
 * TaskManager no GPU. (The cluster end of it, the inference operator taking those GPUs on a real
 * TaskManager, is DockerEntrypointIT's.)
 */
class GpuDiscoveryTest {

  @TempDir
  Path tmp;

  @Test
  void aTaskManagerWithTwoGpusGetsTheIndicesItsScriptReports() throws Exception {
    Path plugin = tmp.resolve("plugins/tracklight-gpu/tracklight-gpu.jar");
    GpuDriverPlugin.write(plugin);
    try (JarFile jar = new JarFile(plugin.toFile())) {
      assertEquals(5, jar.size(), "manifest, 3 classes, 1 service entry: " + jar.stream().toList());
    }
    Path args = tmp.resolve("args.txt");
    Configuration conf = taskManagerConfig(script("echo \"$@\" > " + args + "\necho 'found 2 GPUs' >&2\necho 0,1"), 2);
    ExternalResourceInfoProvider provider = ExternalResourceUtils.createStaticExternalResourceInfoProviderFromConfig(
        conf, pluginManager(plugin));
    Set<ExternalResourceInfo> gpus = provider.getExternalResourceInfos("gpu");
    List<String> indices = new ArrayList<>();
    gpus.forEach(g -> indices.add(g.getProperty("index").orElseThrow()));
    indices.sort(null);
    assertEquals(List.of("0", "1"), indices);
    assertEquals("2 --vendor nvidia", Files.readString(args).strip(), "amount first, then the configured args");
    // loaded in the plugin's class loader, as on a TaskManager
    assertNotSame(GpuInfo.class, gpus.iterator().next().getClass());
    assertEquals(Set.of(), provider.getExternalResourceInfos("fpga"));
  }

  @Test
  void aFailingScriptLeavesTheTaskManagerWithoutGpus() throws Exception {
    Path plugin = tmp.resolve("plugins/tracklight-gpu/tracklight-gpu.jar");
    GpuDriverPlugin.write(plugin);
    Configuration conf = taskManagerConfig(script("echo 'nvidia-smi: not found' >&2\nexit 1"), 1);
    ExternalResourceInfoProvider provider = ExternalResourceUtils.createStaticExternalResourceInfoProviderFromConfig(
        conf, pluginManager(plugin));
    assertEquals(Set.of(), provider.getExternalResourceInfos("gpu"));
  }

  @Test
  void theDriversErrorsNameTheScriptAndWhatWentWrong() throws Exception {
    IOException exit = assertThrows(IOException.class,
        () -> driver(script("echo 'nvidia-smi: not found' >&2\nexit 3")).retrieveResourceInfo(1));
    assertTrue(exit.getMessage().endsWith("exited with 3: nvidia-smi: not found"), exit.getMessage());
    IOException garbage = assertThrows(IOException.class, () -> driver(script("echo GPU-0")).retrieveResourceInfo(1));
    assertTrue(garbage.getMessage().contains("printed 'GPU-0'; expected GPU indices"), garbage.getMessage());
    IOException fewer = assertThrows(IOException.class, () -> driver(script("echo 0")).retrieveResourceInfo(2));
    assertTrue(fewer.getMessage().contains("found 1 GPU(s) (0) but external-resource.gpu.amount is 2"), fewer.getMessage());
    // more GPUs than asked: the first `amount` of them
    assertEquals(Set.of(new GpuInfo(3)), driver(script("echo 3,4")).retrieveResourceInfo(1));
    Configuration missing = new Configuration();
    missing.set(ScriptGpuDriver.SCRIPT, tmp.resolve("nope.sh").toString());
    IllegalConfigurationException e = assertThrows(IllegalConfigurationException.class,
        () -> ScriptGpuDriver.fromConfig(missing));
    assertTrue(e.getMessage().contains("nope.sh does not exist or is not executable"), e.getMessage());
    assertThrows(IllegalConfigurationException.class, () -> ScriptGpuDriver.fromConfig(new Configuration()));
  }

  @Test
  void theImagesDiscoveryScriptFailsClearlyWithoutADriver() throws Exception {
    Path script = Path.of("../deploy/docker/gpu-discovery.sh").toAbsolutePath().normalize();
    Process p = new ProcessBuilder("bash", script.toString(), "1").redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes());
    // on this CPU machine nvidia-smi is absent: a non-zero exit and one line saying why
    if (!out.contains("nvidia-smi not found")) {
      return; // a machine with the NVIDIA driver: the script's output is that machine's GPUs
    }
    assertEquals(1, p.waitFor());
    Process bad = new ProcessBuilder("bash", script.toString(), "two").redirectErrorStream(true).start();
    assertTrue(new String(bad.getInputStream().readAllBytes()).contains("expected the amount of GPUs, got 'two'"));
    assertEquals(2, bad.waitFor());
  }

  private ScriptGpuDriver driver(Path script) {
    Configuration c = new Configuration();
    c.set(ScriptGpuDriver.SCRIPT, script.toString());
    return ScriptGpuDriver.fromConfig(c);
  }

  private Path script(String body) throws IOException {
    Path s = Files.createTempFile(tmp, "discover", ".sh");
    Files.writeString(s, "#!/bin/sh\n" + body + "\n");
    assertTrue(s.toFile().setExecutable(true));
    return s;
  }

  private static Configuration taskManagerConfig(Path script, int amount) {
    Configuration conf = new Configuration();
    conf.setString("external-resources", "gpu");
    conf.setString("external-resource.gpu.amount", Integer.toString(amount));
    conf.setString("external-resource.gpu.driver-factory.class", ScriptGpuDriverFactory.class.getName());
    conf.setString("external-resource.gpu.param.discovery-script.path", script.toString());
    conf.setString("external-resource.gpu.param.discovery-script.args", "--vendor nvidia");
    return conf;
  }

  private static PluginManager pluginManager(Path jar) throws IOException {
    URL url = jar.toUri().toURL();
    // Flink's default parent-first patterns for plugins: Flink's API and logging from the parent
    return new DefaultPluginManager(List.of(new PluginDescriptor("tracklight-gpu", new URL[] {url}, new String[0])),
        new String[] {"java.", "org.apache.flink.", "javax.annotation.", "org.slf4j", "org.apache.log4j",
            "org.apache.logging", "org.apache.commons.logging", "ch.qos.logback"});
  }
}
