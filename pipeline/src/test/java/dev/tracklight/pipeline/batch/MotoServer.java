package dev.tracklight.pipeline.batch;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real {@code moto_server} (AWS APIs served locally: S3, Batch, SQS, CloudFormation, IAM) on a
 * free port, started by the test and stopped with it. Batch runs without Docker: jobs are
 * validated and recorded but not run, so tests play the compute environment themselves.
 * Found on PATH or at {@code $MOTO_SERVER}.
 */
public final class MotoServer implements AutoCloseable {

  /**
   * Test credentials for moto (which accepts any): distinctive, so a test can prove they never
   * reach a log line, and shaped unlike real AWS keys so no scanner mistakes them for one.
   */
  public static final String ACCESS_KEY = "tracklight-test-access-id";
  public static final String SECRET_KEY = "tracklight-test-secret-never-logged";
  public static final String SESSION_TOKEN = "tlSessionToken-NeverLogged-9f8e7d6c5b4a";
  public static final String REGION = "us-east-1";

  private final Process process;
  private final int port;
  private final Path log;

  private MotoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static MotoServer start() throws Exception {
    String exe = System.getenv().getOrDefault("MOTO_SERVER", "moto_server");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("moto-", ".log");
    Process p;
    try {
      p = new ProcessBuilder(exe, "-p", Integer.toString(port)).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("moto_server not found (install moto[server] or set MOTO_SERVER): " + e.getMessage(), e);
    }
    MotoServer m = new MotoServer(p, port, log);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        m.post("/moto-api/config", "{\"batch\": {\"use_docker\": false}}");
        return m;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          m.close();
          throw new IllegalStateException("moto_server did not start: " + Files.readString(log), e);
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * Batch jobs that stay queued: moto's Docker-backed Batch (its job thread waits for each state
   * transition) with manual transitions that never come, so every job stays SUBMITTED until the
   * server stops: a deterministic unfinished run for cancel and status tests. No container ever
   * starts (the job thread never gets past SUBMITTED).
   */
  public void holdBatchJobsQueued() throws IOException {
    post("/moto-api/config", "{\"batch\": {\"use_docker\": true}}");
    post("/moto-api/state-manager/set-transition",
        "{\"model_name\": \"batch::job\", \"transition\": {\"progression\": \"manual\", \"times\": 1000000}}");
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The standard AWS variables pointing at this server (for child processes). */
  public Map<String, String> environment(String region) {
    return Map.of("AWS_ENDPOINT_URL", endpoint(), "AWS_REGION", region, "AWS_ACCESS_KEY_ID", ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET_KEY, "AWS_SESSION_TOKEN", SESSION_TOKEN, "AWS_EC2_METADATA_DISABLED", "true");
  }

  /** The same as the SDK's standard system properties (for in-process CLI runs). */
  public void setSystemProperties(String region) {
    System.setProperty("aws.endpointUrl", endpoint());
    System.setProperty("aws.region", region);
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    System.setProperty("aws.sessionToken", SESSION_TOKEN);
    System.setProperty("aws.disableEc2Metadata", "true");
  }

  public void post(String path, String body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + path).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setConnectTimeout(1000);
    c.setRequestProperty("Content-Type", "application/json");
    c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    if (c.getResponseCode() >= 300) {
      throw new IOException("moto " + path + ": HTTP " + c.getResponseCode());
    }
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
