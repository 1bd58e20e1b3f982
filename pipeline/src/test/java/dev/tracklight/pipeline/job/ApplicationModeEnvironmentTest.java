package dev.tracklight.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * In application mode (the Flink Kubernetes Operator's FlinkDeployment runs {@code TracklightMain run}
 * inside the JobManager) Flink's client installs a {@link StreamContextEnvironment} before the main
 * starts: the job must go to that cluster, not to a MiniCluster inside the JobManager.
 */
class ApplicationModeEnvironmentTest {

  @Test
  void usesTheClusterContextWhenAClusterStartedTheMain() {
    Configuration clusterConf = new Configuration();
    clusterConf.set(DeploymentOptions.TARGET, LocalExecutor.NAME);
    StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), clusterConf,
        getClass().getClassLoader(), false, true);
    try {
      StreamExecutionEnvironment env = JobEnvironments.create(Optional.empty(), 3,
          Duration.ofSeconds(7), Optional.of("file:///tmp/tracklight-app-mode-chk"));
      assertInstanceOf(StreamContextEnvironment.class, env);
      assertEquals(3, env.getParallelism());
      // the job's own settings still reach the cluster's environment
      assertEquals(7000, env.getCheckpointConfig().getCheckpointInterval());
    } finally {
      StreamContextEnvironment.unsetAsContext();
    }
  }

  @Test
  void checkpointsGoWhereTheClusterSaysWhenTheJobNamesNoFolder() {
    Configuration clusterConf = new Configuration();
    clusterConf.set(DeploymentOptions.TARGET, LocalExecutor.NAME);
    StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), clusterConf,
        getClass().getClassLoader(), false, true);
    try {
      StreamExecutionEnvironment env = JobEnvironments.create(Optional.empty(), 1, Duration.ofSeconds(5),
          Optional.empty());
      // not a temp folder on the JobManager: the cluster's execution.checkpointing.dir applies
      assertEquals(Optional.empty(), env.getConfiguration().getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
      assertEquals(5000, env.getCheckpointConfig().getCheckpointInterval());
    } finally {
      StreamContextEnvironment.unsetAsContext();
    }
    // embedded: a temp folder, as before
    Configuration local = JobEnvironments.configuration(Optional.empty(), Duration.ofSeconds(5), Optional.empty());
    assertTrue(local.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("file:"));
  }

  @Test
  void keepsTheEmbeddedClusterOtherwise() {
    StreamExecutionEnvironment env = JobEnvironments.create(Optional.empty(), 2, Duration.ZERO,
        Optional.empty());
    assertInstanceOf(LocalStreamEnvironment.class, env);
    assertFalse(env instanceof StreamContextEnvironment);
    assertEquals(2, env.getParallelism());
    assertSame(LocalStreamEnvironment.class, env.getClass());
  }
}
