package dev.tracklight.operators.flink.gpu;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/**
 * One GPU a TaskManager was given, as Flink's own GPU driver describes it: a single property,
 * {@code index}, the device ordinal the inference engine opens.
 *
 * @param index the GPU ordinal, from 0
 */
public record GpuInfo(int index) implements ExternalResourceInfo {

  /** The property Flink's GPU driver and this one set. */
  public static final String INDEX = "index";

  public GpuInfo {
    if (index < 0) {
      throw new IllegalArgumentException("GPU index " + index);
    }
  }

  @Override
  public Optional<String> getProperty(String key) {
    return INDEX.equals(key) ? Optional.of(Integer.toString(index)) : Optional.empty();
  }

  @Override
  public Collection<String> getKeys() {
    return List.of(INDEX);
  }
}
