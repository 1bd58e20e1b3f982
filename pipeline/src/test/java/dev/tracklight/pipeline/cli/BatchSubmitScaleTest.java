package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.video.FrameRate;
import dev.tracklight.connectors.video.VideoWriteOptions;
import dev.tracklight.connectors.video.VideoWriter;
import dev.tracklight.inference.BgrImage;
import dev.tracklight.pipeline.batch.BatchCompatProxy;
import dev.tracklight.pipeline.batch.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Submitting many videos against moto: N videos as single jobs vs one array job (the figure
 * for the closing note is printed), each submission's jobs as expected. Side by side in one run:
 * the machine is shared, only the ratio means something. Set {@code -Dtracklight.scale.videos=N}
 * to change the count (default 200, to keep CI short; 1,000 for the closing note's figure).
 */
class BatchSubmitScaleTest {

  @TempDir
  Path tmp;

  @Test
  void anArrayJobSubmitsManyVideosFasterThanSingleJobs() throws Exception {
    int n = Integer.getInteger("tracklight.scale.videos", 200);
    try (MotoServer moto = MotoServer.start(); BatchCompatProxy proxy = new BatchCompatProxy(moto.endpoint())) {
      moto.setSystemProperties(MotoServer.REGION);
      System.setProperty("aws.endpointUrlBatch", proxy.endpoint());
      try {
        AwsSettings aws = AwsSettings.fromEnvironment();
        String queue;
        String definition;
        try (S3Client s3 = aws.configure(S3Client.builder(), "S3").forcePathStyle(true).build();
            BatchClient batch = aws.configure(BatchClient.builder(), "BATCH").build()) {
          s3.createBucket(b -> b.bucket("cams"));
          s3.createBucket(b -> b.bucket("results"));
          byte[] video = tinyVideo(tmp.resolve("tiny.mp4"));
          ExecutorService pool = Executors.newFixedThreadPool(8);
          List<Future<?>> puts = new java.util.ArrayList<>();
          for (int i = 0; i < n; i++) {
            String key = String.format(Locale.ROOT, "day/cam-%04d.mp4", i);
            puts.add(pool.submit(() -> s3.putObject(b -> b.bucket("cams").key(key), RequestBody.fromBytes(video))));
          }
          for (Future<?> f : puts) {
            f.get();
          }
          pool.shutdown();
          // The project's stack gives the queue and definition (moto checks the roles exist).
          String body = Files.readString(BatchMotoTest.template());
          try (CloudFormationClient cf = aws.configure(CloudFormationClient.builder(), "CLOUDFORMATION").build()) {
            cf.createStack(b -> b.stackName("scale").templateBody(body)
                .parameters(p -> p.parameterKey("Image").parameterValue("tracklight:test"))
                .capabilities(Capability.CAPABILITY_IAM));
            Stack stack;
            do {
              Thread.sleep(200);
              stack = cf.describeStacks(b -> b.stackName("scale")).stacks().get(0);
            } while (stack.stackStatusAsString().endsWith("IN_PROGRESS"));
            queue = stack.outputs().stream().filter(o -> o.outputKey().equals("JobQueueArn")).findFirst().orElseThrow().outputValue();
            definition = stack.outputs().stream().filter(o -> o.outputKey().equals("JobDefinitionArn")).findFirst().orElseThrow().outputValue();
          }
        }
        long t0 = System.nanoTime();
        CliRun singles = CliRun.of("batch", "submit", "s3://cams/day/*.mp4", "--out", "s3://results/singles",
            "--queue", queue, "--job-definition", definition, "--json");
        long t1 = System.nanoTime();
        CliRun array = CliRun.of("batch", "submit", "s3://cams/day/*.mp4", "--out", "s3://results/array",
            "--queue", queue, "--job-definition", definition, "--array", "--json");
        long t2 = System.nanoTime();
        assertEquals(0, singles.exitCode(), singles.err());
        assertEquals(0, array.exitCode(), array.err());
        JsonNode s = new ObjectMapper().readTree(singles.out());
        JsonNode a = new ObjectMapper().readTree(array.out());
        assertEquals(n, s.path("jobs").size());
        assertEquals(1, a.path("jobs").size());
        assertEquals(n, a.path("jobs").get(0).path("array_size").asInt());
        double singleS = (t1 - t0) / 1e9;
        double arrayS = (t2 - t1) / 1e9;
        System.out.printf(Locale.ROOT, "batch submit of %d videos against moto: single jobs %.1f s, one array %.1f s"
            + " (ratio %.2f; both include listing and reading every video's duration)%n", n, singleS, arrayS, singleS / arrayS);
        assertTrue(arrayS < singleS, "array " + arrayS + " s vs singles " + singleS + " s");
      } finally {
        for (String p : List.of("aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey",
            "aws.sessionToken", "aws.disableEc2Metadata", "aws.endpointUrlBatch")) {
          System.clearProperty(p);
        }
      }
    }
  }

  /** One second of a 64x64 H.264 video (a real video FFmpeg reads the duration of). */
  static byte[] tinyVideo(Path file) throws Exception {
    try (VideoWriter w = VideoWriter.create(file, 64, 64, VideoWriteOptions.h264(new FrameRate(10, 1)))) {
      for (int i = 0; i < 10; i++) {
        byte[] px = new byte[64 * 64 * 3];
        java.util.Arrays.fill(px, (byte) (i * 20));
        w.write(new BgrImage(64, 64, px));
      }
    }
    return Files.readAllBytes(file);
  }
}
