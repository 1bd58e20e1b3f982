package dev.tracklight.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  @TempDir
  Path assets;
  @TempDir
  Path cache;

  private static Path touch(Path file) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[] {1});
  }

  @Test
  void prefersTheDynamicFileAndFallsBackToTheUpstreamRelease() throws IOException {
    ModelRegistry registry = new ModelRegistry(assets, cache);
    Path upstream = touch(cache.resolve("yolox_nano.onnx"));
    assertEquals(upstream, registry.resolve("yolox-nano").path());
    Path dynamic = touch(assets.resolve("models/yolox_nano_dynamic.onnx"));
    assertEquals(dynamic, registry.resolve("YOLOX-Nano").path());
  }

  @Test
  void assetsComeBeforeTheCache() throws IOException {
    Path inCache = touch(cache.resolve("yolov8n_int8.onnx"));
    ModelRegistry registry = new ModelRegistry(assets, cache);
    assertEquals(inCache, registry.resolve("yolov8n-int8").path());
    Path inAssets = touch(assets.resolve("models/yolov8n_int8.onnx"));
    assertEquals(inAssets, registry.resolve("yolov8n-int8").path());
  }

  @Test
  void missingModelSaysHowToGetIt() {
    ModelRegistry registry = new ModelRegistry(null, cache);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> registry.resolve("yolox-nano"));
    assertTrue(e.getMessage().contains("tracklight models fetch yolox-nano"), e.getMessage());
    assertTrue(e.getMessage().contains("TRACKLIGHT_ASSETS"), e.getMessage());
    InvalidInputException noUpstream = assertThrows(InvalidInputException.class,
        () -> registry.resolve("yolov8n-int8"));
    assertTrue(noUpstream.getMessage().contains("no public download"), noUpstream.getMessage());
  }

  @Test
  void unknownNamesAndMissingPathsAreClearErrors() {
    ModelRegistry registry = new ModelRegistry(null, cache);
    InvalidInputException unknown = assertThrows(InvalidInputException.class,
        () -> registry.resolve("yolov99"));
    assertTrue(unknown.getMessage().contains("yolox-nano, yolox-nano-ts, yolov8n-int8"),
        unknown.getMessage());
    InvalidInputException missing = assertThrows(InvalidInputException.class,
        () -> registry.resolve(cache.resolve("nope.onnx").toString()));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void plainPathsResolveWithoutRegistration() throws IOException {
    Path file = touch(assets.resolve("custom.onnx"));
    ResolvedModel r = new ModelRegistry(null, cache).resolve(file.toString());
    assertEquals(file, r.path());
    assertFalse(r.registration().isPresent());
    assertEquals("custom.onnx", r.displayName());
  }

  @Test
  void environmentSelectsAssetsAndCache() {
    Path home = Path.of("/home/someone");
    ModelRegistry defaults = ModelRegistry.fromEnvironment(Map.of(), home);
    assertEquals(home.resolve(".cache/tracklight/models"), defaults.cacheDir());
    assertFalse(defaults.assetsModelsDir().isPresent());
    ModelRegistry custom = ModelRegistry.fromEnvironment(
        Map.of("TRACKLIGHT_ASSETS", "/data", "TRACKLIGHT_MODEL_CACHE", "/tmp/models"), home);
    assertEquals(Path.of("/data/models"), custom.assetsModelsDir().orElseThrow());
    assertEquals(Path.of("/tmp/models"), custom.cacheDir());
  }

  @Test
  void listingMarksTheAgplModelAsOptIn() {
    RegisteredModel int8 = new ModelRegistry(null, cache).require("yolov8n-int8");
    assertFalse(int8.permissive());
    assertTrue(int8.licenseNote().contains("AGPL-3.0") && int8.licenseNote().contains("opt-in"));
    assertTrue(new ModelRegistry(null, cache).require("yolox-nano").permissive());
  }
}
