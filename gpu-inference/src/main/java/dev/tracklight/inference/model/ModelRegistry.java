package dev.tracklight.inference.model;

import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.inference.ModelFamily;
import dev.tracklight.inference.engine.EngineKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The models Tracklight knows by name and where their files are looked for.
 *
 * <p><b>Resolution.</b> A name resolves to the first of its {@link RegisteredModel#fileNames} found,
 * preferred names first, each looked for in {@code $TRACKLIGHT_ASSETS/models} and then the user
 * cache ({@code ~/.cache/tracklight/models}, or {@code $TRACKLIGHT_MODEL_CACHE}). So
 * {@code yolox-nano} uses the dynamic-batch file wherever it is and falls back to the upstream
 * fixed-batch release. Anything that is not a registered name is taken as a file path. Immutable.
 */
public final class ModelRegistry {

  /** Root of the shared data (models under {@code models/}). */
  public static final String ASSETS_ENV = "TRACKLIGHT_ASSETS";
  /** Overrides the user model cache directory. */
  public static final String CACHE_ENV = "TRACKLIGHT_MODEL_CACHE";

  /** The registered models; the first is the default. */
  public static final List<RegisteredModel> BUILT_IN = List.of(
      new RegisteredModel("yolox-nano", List.of("yolox_nano_dynamic.onnx", "yolox_nano.onnx"),
          EngineKind.ONNXRUNTIME, ModelFamily.YOLOX, 416, "Apache-2.0", true,
          "Megvii YOLOX-Nano, COCO 80 classes, 416x416 (dynamic batch if available)",
          new RegisteredModel.Download(URI.create(
              "https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx"),
              "yolox_nano.onnx", 0, null)),
      new RegisteredModel("yolox-nano-ts", List.of("yolox_nano.torchscript.pt"),
          EngineKind.PYTORCH, ModelFamily.YOLOX, 416, "Apache-2.0", true,
          "YOLOX-Nano as TorchScript for the PyTorch engine, dynamic batch, 416x416", null),
      new RegisteredModel("yolov8n-int8", List.of("yolov8n_int8.onnx"),
          EngineKind.ONNXRUNTIME, ModelFamily.ULTRALYTICS, 640, "AGPL-3.0", false,
          "Ultralytics YOLOv8n, dynamic int8 quantised, 640x640", null));

  private final Path assetsModelsDir;
  private final Path cacheDir;
  private final List<RegisteredModel> models;

  /**
   * @param assetsDir the {@code TRACKLIGHT_ASSETS} root (models under {@code models/}), or null
   * @param cacheDir the user model cache
   */
  public ModelRegistry(Path assetsDir, Path cacheDir) {
    this(assetsDir, cacheDir, BUILT_IN);
  }

  ModelRegistry(Path assetsDir, Path cacheDir, List<RegisteredModel> models) {
    this.assetsModelsDir = assetsDir == null ? null : assetsDir.resolve("models");
    this.cacheDir = java.util.Objects.requireNonNull(cacheDir, "cacheDir");
    this.models = List.copyOf(models);
  }

  /** The registry for this process's environment and home directory. */
  public static ModelRegistry fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The registry for the given environment variables and home directory. */
  public static ModelRegistry fromEnvironment(Map<String, String> env, Path home) {
    String assets = env.get(ASSETS_ENV);
    String cache = env.get(CACHE_ENV);
    return new ModelRegistry(assets == null || assets.isBlank() ? null : Path.of(assets),
        cache == null || cache.isBlank() ? home.resolve(".cache/tracklight/models") : Path.of(cache));
  }

  public List<RegisteredModel> models() {
    return models;
  }

  public Path cacheDir() {
    return cacheDir;
  }

  public Optional<Path> assetsModelsDir() {
    return Optional.ofNullable(assetsModelsDir);
  }

  /** The registered model of that name (case-insensitive), if any. */
  public Optional<RegisteredModel> find(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return models.stream().filter(m -> m.name().equals(n)).findFirst();
  }

  /** The registered model of that name, or an error listing the registered names. */
  public RegisteredModel require(String name) {
    return find(name).orElseThrow(() -> new InvalidInputException("unknown model '" + name
        + "'; expected one of " + names()));
  }

  /** Where a registered model's file is, if it is present anywhere. */
  public Optional<Path> locate(RegisteredModel model) {
    for (String file : model.fileNames()) {
      for (Path dir : searchDirs()) {
        Path p = dir.resolve(file);
        if (Files.isRegularFile(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Resolves a registered name or a file path to an existing file.
   *
   * @throws InvalidInputException when the name is unknown, the file is missing, or a registered
   *     model is not present (saying how to get it)
   */
  public ResolvedModel resolve(String nameOrPath) {
    if (nameOrPath == null || nameOrPath.isBlank()) {
      throw new InvalidInputException("no model given; expected one of " + names() + " or a file path");
    }
    Optional<RegisteredModel> registered = find(nameOrPath);
    if (registered.isPresent()) {
      RegisteredModel m = registered.get();
      return new ResolvedModel(locate(m).orElseThrow(() -> notPresent(m)), m);
    }
    Path path = Path.of(nameOrPath);
    boolean looksLikePath = nameOrPath.contains("/") || nameOrPath.contains("\\")
        || EngineKind.forFile(path).isPresent() || Files.exists(path);
    if (!looksLikePath) {
      throw new InvalidInputException("unknown model '" + nameOrPath + "'; expected one of "
          + names() + " or a model file path");
    }
    if (!Files.isRegularFile(path)) {
      throw new InvalidInputException("model file " + path + " does not exist; expected a .onnx or"
          + " TorchScript .pt file, or one of " + names());
    }
    return new ResolvedModel(path, null);
  }

  private InvalidInputException notPresent(RegisteredModel m) {
    String where = searchDirs().stream().map(Path::toString).collect(Collectors.joining(" or "));
    String files = String.join(" or ", m.fileNames());
    String how = m.download() != null
        ? "run 'tracklight models fetch " + m.name() + "' or set " + ASSETS_ENV
            + " to a directory whose models/ holds it"
        : "it has no public download; set " + ASSETS_ENV + " to a directory whose models/ holds it";
    return new InvalidInputException("model '" + m.name() + "' (" + files + ") not found in "
        + where + (assetsModelsDir == null ? " (" + ASSETS_ENV + " is not set)" : "") + "; " + how);
  }

  private List<Path> searchDirs() {
    List<Path> dirs = new ArrayList<>(2);
    if (assetsModelsDir != null) {
      dirs.add(assetsModelsDir);
    }
    dirs.add(cacheDir);
    return dirs;
  }

  private String names() {
    return models.stream().map(RegisteredModel::name).collect(Collectors.joining(", "));
  }
}
