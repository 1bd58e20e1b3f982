package dev.tracklight.operators.flink.gpu;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The GPUs Flink gave this task's TaskManager through the external resource {@code gpu} (its own
 * GPU driver or {@link ScriptGpuDriver}: both describe a GPU by the property {@code index}),
 * sorted; empty when the TaskManager declares none.
 */
public final class TaskManagerGpus {

  /** The external resource name the configuration must use: {@code external-resources: gpu}. */
  public static final String RESOURCE = "gpu";

  private TaskManagerGpus() {}

  public static List<Integer> of(RuntimeContext context) {
    List<Integer> indices = new ArrayList<>();
    for (ExternalResourceInfo info : context.getExternalResourceInfos(RESOURCE)) {
      String index = info.getProperty(GpuInfo.INDEX).orElseThrow(() -> new IllegalStateException(
          "the TaskManager's external resource '" + RESOURCE + "' has no '" + GpuInfo.INDEX
              + "' property; use a GPU driver (Flink's GPUDriverFactory or ScriptGpuDriverFactory)"));
      indices.add(Integer.parseInt(index));
    }
    indices.sort(null);
    return List.copyOf(indices);
  }
}
