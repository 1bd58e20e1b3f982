package dev.tracklight.operators.flink.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.flink.api.common.externalresource.ExternalResourceDriverFactory;

/**
 * Writes the GPU driver as a Flink plugin jar: {@code java -cp tracklight.jar
 * dev.tracklight.operators.flink.gpu.GpuDriverPlugin PLUGINS/tracklight-gpu/tracklight-gpu.jar}.
 *
 * <p>Flink loads external-resource drivers from plugins only, each in its own class loader. The
 * shaded jar cannot be that plugin: it carries Flink and Hadoop service entries that the plugin
 * would register a second time (a TaskManager then fails to start: "Delegation token receiver with
 * service name hadoopfs has multiple implementations"). So the plugin holds exactly the driver's
 * classes, copied from the class path this runs from, and one service entry.
 */
public final class GpuDriverPlugin {

  /** Every class the driver needs besides Flink's own (which a plugin loads parent-first). */
  static final List<Class<?>> CLASSES = List.of(ScriptGpuDriverFactory.class, ScriptGpuDriver.class, GpuInfo.class);

  private GpuDriverPlugin() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: GpuDriverPlugin OUTPUT.jar");
      System.exit(2);
    }
    write(Path.of(args[0]));
  }

  /** Writes the plugin jar to {@code target} (atomically: a TaskManager never sees half a jar). */
  public static void write(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, ".tracklight-gpu", ".jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (OutputStream file = Files.newOutputStream(temp); JarOutputStream jar = new JarOutputStream(file, manifest)) {
      for (Class<?> c : CLASSES) {
        String name = c.getName().replace('.', '/') + ".class";
        try (InputStream in = GpuDriverPlugin.class.getClassLoader().getResourceAsStream(name)) {
          if (in == null) {
            throw new IOException("class file " + name + " not on the class path");
          }
          jar.putNextEntry(new JarEntry(name));
          in.transferTo(jar);
          jar.closeEntry();
        }
      }
      jar.putNextEntry(new JarEntry("META-INF/services/" + ExternalResourceDriverFactory.class.getName()));
      jar.write((ScriptGpuDriverFactory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    }
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
