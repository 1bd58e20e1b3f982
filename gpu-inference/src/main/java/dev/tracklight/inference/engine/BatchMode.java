package dev.tracklight.inference.engine;

/** Whether a model's batch dimension is fixed to 1 or accepts any batch size. */
public enum BatchMode {
  /** The graph is fixed to batch 1 (e.g. YOLOX's official ONNX export); batches run item by item. */
  FIXED_ONE,
  /** Any batch size runs in one forward call. */
  DYNAMIC
}
