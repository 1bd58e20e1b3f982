package dev.tracklight.operators.flink.gpu;

import org.apache.flink.api.common.externalresource.ExternalResourceDriver;
import org.apache.flink.api.common.externalresource.ExternalResourceDriverFactory;
import org.apache.flink.configuration.Configuration;

/**
 * {@code external-resource.gpu.driver-factory.class: dev.tracklight.operators.flink.gpu.ScriptGpuDriverFactory}.
 * Flink loads external-resource drivers from its plugins folder only: the image's entrypoint writes
 * {@link GpuDriverPlugin} there when the configuration names this class.
 */
public final class ScriptGpuDriverFactory implements ExternalResourceDriverFactory {

  @Override
  public ExternalResourceDriver createExternalResourceDriver(Configuration config) {
    return ScriptGpuDriver.fromConfig(config);
  }
}
