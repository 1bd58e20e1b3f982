package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where this user's runs went: run id → output prefix, in {@code ~/.cache/tracklight/batch-runs.json}
 * ({@code $XDG_CACHE_HOME} honoured), so {@code batch status RUN} works without {@code --out} on
 * the machine that submitted it. A convenience only: the run's truth is its ledger in S3.
 */
final class RunIndex {

  private RunIndex() {}

  static Path file() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("tracklight").resolve("batch-runs.json");
  }

  static synchronized void remember(String run, String prefix) {
    try {
      ObjectMapper json = new ObjectMapper();
      Path f = file();
      ObjectNode o = Files.exists(f) ? (ObjectNode) json.readTree(f.toFile()) : json.createObjectNode();
      o.put(run, prefix);
      Files.createDirectories(f.getParent());
      Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
      json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), o);
      Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | ClassCastException e) {
      // Only a convenience: the run is in S3 either way.
    }
  }

  static Optional<String> lookup(String run) {
    try {
      Path f = file();
      if (!Files.exists(f)) {
        return Optional.empty();
      }
      var n = new ObjectMapper().readTree(f.toFile()).get(run);
      return n == null ? Optional.empty() : Optional.of(n.asText());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
