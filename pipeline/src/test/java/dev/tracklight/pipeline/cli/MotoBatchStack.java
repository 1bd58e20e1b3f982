package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.pipeline.batch.BatchCompatProxy;
import dev.tracklight.pipeline.batch.MotoServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the Batch tests run against: a {@code moto_server} on a free port with the Batch
 * compatibility proxy in front of its Batch API, the standard AWS system properties pointing the
 * in-process CLI at them, SDK clients, and the deploy template created as a stack.
 *
 * <p>Owns all of it: {@link #close()} closes the clients, the proxy and the server, and clears the
 * system properties it set. One per test class ({@code @BeforeAll} / {@code @AfterAll}).
 */
final class MotoBatchStack implements AutoCloseable {

  private static final List<String> PROPERTIES = List.of("aws.endpointUrl", "aws.region",
      "aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken", "aws.disableEc2Metadata",
      "aws.endpointUrlBatch", "aws.sharedCredentialsFile", "aws.configFile");

  final MotoServer moto;
  final BatchCompatProxy batchProxy;
  final S3Client s3;
  final BatchClient batch;
  final SqsClient sqs;
  final S3Storage storage;
  /** The stack's outputs by key. */
  final Map<String, String> outputs;

  private MotoBatchStack(MotoServer moto, BatchCompatProxy batchProxy, AwsSettings aws,
      Map<String, String> outputs) {
    this.moto = moto;
    this.batchProxy = batchProxy;
    this.s3 = aws.configure(S3Client.builder(), "S3").forcePathStyle(true).build();
    this.batch = aws.configure(BatchClient.builder(), "BATCH").build();
    this.sqs = aws.configure(SqsClient.builder(), "SQS").build();
    this.storage = new S3Storage(aws);
    this.outputs = outputs;
  }

  /**
   * Starts moto (holding Batch jobs in SUBMITTED when {@code holdJobsQueued}), points the SDK's
   * system properties at it (no shared credentials or config files: those under {@code noFiles}
   * do not exist) and creates the template as stack {@code name} with {@code parameters}.
   */
  static MotoBatchStack start(String name, Map<String, String> parameters, boolean holdJobsQueued,
      java.nio.file.Path noFiles) throws Exception {
    MotoServer moto = MotoServer.start();
    BatchCompatProxy proxy = null;
    try {
      if (holdJobsQueued) {
        moto.holdBatchJobsQueued();
      }
      moto.setSystemProperties(MotoServer.REGION);
      proxy = new BatchCompatProxy(moto.endpoint());
      System.setProperty("aws.endpointUrlBatch", proxy.endpoint());
      System.setProperty("aws.sharedCredentialsFile", noFiles.resolve("no-credentials").toString());
      System.setProperty("aws.configFile", noFiles.resolve("no-config").toString());
      AwsSettings aws = AwsSettings.fromEnvironment();
      return new MotoBatchStack(moto, proxy, aws, TemplateStack.create(aws, name, parameters));
    } catch (Exception | Error e) {
      if (proxy != null) {
        proxy.close();
      }
      moto.close();
      PROPERTIES.forEach(System::clearProperty);
      throw e;
    }
  }

  /** The standard AWS variables for a child process (a worker run as Batch would run it). */
  Map<String, String> childEnvironment() {
    Map<String, String> env = new HashMap<>(moto.environment(MotoServer.REGION));
    env.put("AWS_ENDPOINT_URL_BATCH", batchProxy.endpoint());
    return env;
  }

  @Override
  public void close() throws Exception {
    try {
      storage.close();
      s3.close();
      batch.close();
      sqs.close();
      moto.close();
      batchProxy.close();
    } finally {
      PROPERTIES.forEach(System::clearProperty);
    }
  }
}
