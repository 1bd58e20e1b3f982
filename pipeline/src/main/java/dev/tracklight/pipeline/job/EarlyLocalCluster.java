package dev.tracklight.pipeline.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * An embedded MiniCluster that starts on a background thread as soon as the CLI knows it will run
 * a local job, so that its start (actor systems, blob server, REST endpoint, TaskManager: about
 * 1.8 s of the replay's 3.8 s to its first frame on 2 cores) overlaps the CLI's own work (probing
 * the videos, loading and checking the model) instead of following it, as it does in
 * {@code StreamExecutionEnvironment.execute()}.
 *
 * <p><b>How it plugs in.</b> {@link #environment} is a local environment like
 * {@code createLocalEnvironment}, except that its executor is Flink's own {@link LocalExecutor}
 * built with a MiniCluster factory that returns this cluster; Flink then "starts" it, which waits
 * for the background start ({@link #start}), submits the job and, when the job ends, shuts the
 * cluster down as for any local run. The cluster is configured as that executor would configure a
 * fresh one (random REST port, shared RPC service, one slot per subtask).
 *
 * <p><b>Ownership.</b> The caller must {@link #close} it: a job's end closes it too, but a CLI that
 * fails before submitting would otherwise leave it running. Closing is idempotent and does not
 * block: a start still in progress finishes first (MiniCluster cannot abort one), then the cluster
 * shuts down on Flink's threads. One job per cluster.
 */
public final class EarlyLocalCluster implements AutoCloseable {

  private final Cluster cluster;
  private final Configuration configuration;
  private final int slots;

  private EarlyLocalCluster(Configuration configuration, int slots) {
    this.configuration = new Configuration(configuration);
    this.slots = slots;
    Configuration clusterConf = new Configuration(configuration);
    if (!clusterConf.contains(RestOptions.BIND_PORT)) {
      clusterConf.set(RestOptions.BIND_PORT, "0"); // as Flink's PerJobMiniClusterFactory does
    }
    this.cluster = new Cluster(new MiniClusterConfiguration.Builder()
        .setConfiguration(clusterConf)
        .setNumTaskManagers(clusterConf.get(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS))
        .setRpcServiceSharing(RpcServiceSharing.SHARED)
        .setNumSlotsPerTaskManager(slots)
        .build());
    Thread starter = new Thread(cluster::startNow, "tracklight-minicluster-start");
    starter.setDaemon(true);
    starter.start();
  }

  /**
   * Starts a cluster with {@code configuration} (from {@link JobEnvironments#configuration}) and
   * {@code parallelism} slots, in the background.
   */
  public static EarlyLocalCluster start(Configuration configuration, int parallelism) {
    JobEnvironments.requireParallelism(parallelism);
    return new EarlyLocalCluster(configuration, parallelism);
  }

  /** A local environment at {@code parallelism} whose job runs on this cluster. */
  public StreamExecutionEnvironment environment() {
    Configuration conf = new Configuration(configuration);
    conf.set(DeploymentOptions.TARGET, LocalExecutor.NAME);
    conf.set(DeploymentOptions.ATTACHED, true);
    conf.set(CoreOptions.DEFAULT_PARALLELISM, slots);
    PipelineExecutorFactory factory = new PipelineExecutorFactory() {
      @Override
      public String getName() {
        return LocalExecutor.NAME;
      }

      @Override
      public boolean isCompatibleWith(Configuration c) {
        return true;
      }

      @Override
      public PipelineExecutor getExecutor(Configuration c) {
        return LocalExecutor.createWithFactory(c, wanted -> {
          int slotsWanted = wanted.getConfiguration().get(TaskManagerOptions.NUM_TASK_SLOTS);
          if (slotsWanted > slots) {
            throw new IllegalStateException("the job needs " + slotsWanted + " slots but the early"
                + " cluster was started with " + slots + "; start it with the job's parallelism");
          }
          return cluster;
        });
      }
    };
    PipelineExecutorServiceLoader loader = new PipelineExecutorServiceLoader() {
      @Override
      public PipelineExecutorFactory getExecutorFactory(Configuration c) {
        return factory;
      }

      @Override
      public Stream<String> getExecutorNames() {
        return Stream.of(LocalExecutor.NAME);
      }
    };
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(loader, conf,
        EarlyLocalCluster.class.getClassLoader());
    env.setParallelism(slots);
    return env;
  }

  @Override
  public void close() {
    cluster.started.whenComplete((ok, failed) -> cluster.closeAsync());
  }

  /** The MiniCluster whose {@link #start} waits for the background start instead of starting. */
  private static final class Cluster extends MiniCluster {
    final CompletableFuture<Void> started = new CompletableFuture<>();

    Cluster(MiniClusterConfiguration configuration) {
      super(configuration);
    }

    void startNow() {
      try {
        super.start();
        started.complete(null);
      } catch (Throwable t) {
        started.completeExceptionally(t);
      }
    }

    @Override
    public void start() throws Exception {
      try {
        started.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    }
  }
}
