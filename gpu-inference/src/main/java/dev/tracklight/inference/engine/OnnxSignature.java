package dev.tracklight.inference.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.tracklight.inference.InvalidInputException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An ONNX model's declared input dims and custom metadata, read through the ONNX Runtime Java API
 * (DJL's ONNX block reports input names but not their shapes). Opening a throw-away session without
 * graph optimisation costs a few milliseconds for the nano models and doubles as the check that a
 * file is an ONNX model at all.
 *
 * @param inputDims the single input's dims, -1 where symbolic (dynamic)
 * @param metadata the model's custom metadata map (Ultralytics writes names, imgsz, stride there)
 */
record OnnxSignature(long[] inputDims, Map<String, String> metadata) {

  static OnnxSignature read(Path file) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      try (OrtSession session = env.createSession(file.toString(), options)) {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
          throw new InvalidInputException(file + " has " + inputs.size()
              + " inputs; expected one image tensor [batch, 3, size, size]");
        }
        NodeInfo input = inputs.values().iterator().next();
        if (!(input.getInfo() instanceof TensorInfo tensor) || tensor.getShape().length != 4) {
          throw new InvalidInputException(file + " takes input " + input.getInfo()
              + "; expected one image tensor [batch, 3, size, size]");
        }
        return new OnnxSignature(tensor.getShape(), Map.copyOf(session.getMetadata().getCustomMetadata()));
      }
    } catch (OrtException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().strip().lines().findFirst().orElse("");
      throw new InvalidInputException(file + " is not an ONNX model that onnxruntime can load ("
          + (msg.length() > 200 ? msg.substring(0, 200) + "..." : msg)
          + "); expected a .onnx file for onnxruntime or a TorchScript .pt for pytorch", e);
    }
  }
}
