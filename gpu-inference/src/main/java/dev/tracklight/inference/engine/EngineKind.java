package dev.tracklight.inference.engine;

import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The DJL engines a detector can run on, with the model file kinds they load. */
public enum EngineKind {

  /** ONNX Runtime: {@code .onnx} files. */
  ONNXRUNTIME("onnxruntime", "OnnxRuntime"),
  /** LibTorch: TorchScript ({@code torch.jit.trace}/{@code script}) {@code .pt} files. */
  PYTORCH("pytorch", "PyTorch");

  private final String cliName;
  private final String djlName;

  EngineKind(String cliName, String djlName) {
    this.cliName = cliName;
    this.djlName = djlName;
  }

  /** The name users type ({@code onnxruntime}, {@code pytorch}). */
  public String cliName() {
    return cliName;
  }

  /** DJL's engine name. */
  public String djlName() {
    return djlName;
  }

  /** Parses a user-supplied engine name (case-insensitive; DJL's names accepted too). */
  public static EngineKind parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    for (EngineKind k : values()) {
      if (k.cliName.equals(n) || k.djlName.toLowerCase(Locale.ROOT).equals(n)) {
        return k;
      }
    }
    if (n.equals("ort") || n.equals("onnx")) {
      return ONNXRUNTIME;
    }
    if (n.equals("torch") || n.equals("torchscript")) {
      return PYTORCH;
    }
    throw new InvalidInputException("unknown engine '" + name + "'; expected onnxruntime or pytorch");
  }

  /** The engine a model file's extension implies, if any. */
  public static Optional<EngineKind> forFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".onnx")) {
      return Optional.of(ONNXRUNTIME);
    }
    if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript")) {
      return Optional.of(PYTORCH);
    }
    return Optional.empty();
  }
}
