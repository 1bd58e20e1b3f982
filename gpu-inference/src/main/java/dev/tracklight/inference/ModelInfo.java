package dev.tracklight.inference;

import dev.tracklight.inference.engine.BatchMode;
import dev.tracklight.inference.engine.DeviceSpec;
import dev.tracklight.inference.engine.EngineKind;
import java.nio.file.Path;

/**
 * What a loaded detector is: the model's family and square input size, the engine and the resolved
 * device it runs on, whether it batches, how many classes it scores and where it was loaded from.
 *
 * @param name the registry name ({@code yolox-nano}) or, for a plain path, the file name
 */
public record ModelInfo(String name, ModelFamily family, int inputSize, EngineKind engine,
    DeviceSpec device, BatchMode batchMode, int classCount, Path source) {}
