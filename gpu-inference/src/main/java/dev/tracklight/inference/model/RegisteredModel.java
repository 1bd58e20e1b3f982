package dev.tracklight.inference.model;

import dev.tracklight.inference.ModelFamily;
import dev.tracklight.inference.engine.EngineKind;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model Tracklight knows by name.
 *
 * @param name the name users type ({@code yolox-nano})
 * @param fileNames file names to look for, preferred first (later ones are fallbacks)
 * @param engine the engine that loads it
 * @param family the model family
 * @param inputSize its square input side
 * @param license SPDX-style licence of the weights
 * @param permissive whether the licence allows use in Tracklight's Apache-2.0 distribution; if not,
 *     the model is for tests and explicit opt-in only
 * @param description one line for listings
 * @param download where {@code tracklight models fetch} gets it, or null when there is no public
 *     upstream file
 */
public record RegisteredModel(String name, List<String> fileNames, EngineKind engine,
    ModelFamily family, int inputSize, String license, boolean permissive, String description,
    Download download) {

  public RegisteredModel {
    Objects.requireNonNull(name, "name");
    fileNames = List.copyOf(fileNames);
    if (fileNames.isEmpty()) {
      throw new IllegalArgumentException("a registered model needs at least one file name");
    }
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(license, "license");
  }

  /**
   * An upstream file: URL, the name it is stored under in the cache, and what to verify.
   *
   * @param expectedBytes the exact size, or 0 if unknown (the Content-Length is checked anyway)
   * @param sha256 lower-case hex digest, or null if not pinned
   */
  public record Download(URI url, String fileName, long expectedBytes, String sha256) {
    public Download {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(fileName, "fileName");
      if (expectedBytes < 0) {
        throw new IllegalArgumentException("expected size must not be negative");
      }
    }
  }

  public Optional<Download> downloadInfo() {
    return Optional.ofNullable(download);
  }

  /** The licence with its usage constraint, e.g. {@code AGPL-3.0 (test/opt-in only)}. */
  public String licenseNote() {
    return permissive ? license : license + " (test/opt-in only: copyleft, not shipped with Tracklight)";
  }
}
