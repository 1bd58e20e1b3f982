package dev.tracklight.inference.model;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A model file found on disk, with its registry entry when it was asked for by name.
 *
 * @param registered the entry, or null for a plain path
 */
public record ResolvedModel(Path path, RegisteredModel registered) {

  public Optional<RegisteredModel> registration() {
    return Optional.ofNullable(registered);
  }

  /** The registry name, or the file name for a plain path. */
  public String displayName() {
    return registered != null ? registered.name() : path.getFileName().toString();
  }
}
