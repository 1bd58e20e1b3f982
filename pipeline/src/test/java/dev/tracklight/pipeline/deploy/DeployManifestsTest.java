package dev.tracklight.pipeline.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracklight.inference.TestAssets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.resources.ExternalResource;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.runtime.externalresource.ExternalResourceUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests in {@code deploy/k8s} are what the Flink Kubernetes Operator accepts:
 * each FlinkDeployment validates against the operator's CRD schema
 * ({@code $TRACKLIGHT_ASSETS/schemas/flinkdeployments.flink.apache.org-v1.yml}) with no field the
 * API server would prune, and the settings that must agree do: the GPU variant's external-resource
 * amount and its pods' {@code nvidia.com/gpu} limit, the scrape annotations and the reporter port,
 * the job's parallelism and the CLI's, the camera file and the Secret it comes from.
 */
class DeployManifestsTest {

  static CrdSchema crd;
  static Path k8s;

  @BeforeAll
  static void load() throws IOException {
    crd = CrdSchema.load(TestAssets.file("schemas/flinkdeployments.flink.apache.org-v1.yml"));
    k8s = repoRoot().resolve("deploy/k8s");
  }

  @Test
  void everyFlinkDeploymentValidatesAgainstTheOperatorsCrd() throws IOException {
    int checked = 0;
    try (Stream<Path> files = Files.list(k8s)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode doc : CrdSchema.documents(f)) {
          if (doc.path("kind").asText().equals("FlinkDeployment")) {
            assertEquals(List.of(), crd.problems(doc), f.getFileName().toString());
            assertEquals("v2_2", doc.path("spec").path("flinkVersion").asText(), f.toString());
            checked++;
          }
        }
      }
    }
    assertEquals(2, checked, "the GPU and the CPU-only FlinkDeployment");
  }

  @Test
  void theValidatorRejectsWhatTheOperatorWouldNot() throws IOException {
    JsonNode good = flinkDeployment("tracklight-live-gpu.yaml");
    // an unsupported Flink version (enum)
    ObjectNode badVersion = good.deepCopy();
    ((ObjectNode) badVersion.path("spec")).put("flinkVersion", "v2_9");
    assertFalse(crd.problems(badVersion).isEmpty());
    // a wrong type
    ObjectNode badType = good.deepCopy();
    ((ObjectNode) badType.path("spec").path("job")).put("parallelism", "four");
    assertFalse(crd.problems(badType).isEmpty());
    // a misspelled key: valid JSON Schema, but the API server would silently drop it
    ObjectNode typo = good.deepCopy();
    ((ObjectNode) typo.path("spec")).set("taskManger", typo.path("spec").path("taskManager"));
    List<String> problems = crd.problems(typo);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("$.spec.taskManger: unknown field"), problems.get(0));
    ObjectNode deepTypo = good.deepCopy();
    ((ObjectNode) deepTypo.path("spec").path("taskManager").path("podTemplate").path("spec"))
        .putArray("toleration");
    assertEquals(List.of("$.spec.taskManager.podTemplate.spec.toleration: unknown field, the API server would drop it"),
        crd.problems(deepTypo));
  }

  @Test
  void gpuTaskManagersGetOneGpuEachTheFlinkWay() throws IOException {
    JsonNode spec = flinkDeployment("tracklight-live-gpu.yaml").path("spec");
    Configuration conf = flinkConfiguration(spec);
    // Flink's own parsing of the external-resource settings
    List<ExternalResource> resources = new ArrayList<>(ExternalResourceUtils.getExternalResourcesCollection(conf));
    assertEquals(1, resources.size());
    assertEquals("gpu", resources.get(0).getName());
    long amount = resources.get(0).getValue().longValue();
    assertEquals(1, amount);
    assertEquals("nvidia.com/gpu", conf.getString("external-resource.gpu.kubernetes.config-key", ""));
    assertTrue(conf.getString("external-resource.gpu.driver-factory.class", "").endsWith("GPUDriverFactory"));
    JsonNode tm = spec.path("taskManager").path("podTemplate").path("spec");
    JsonNode container = mainContainer(tm);
    assertEquals(amount, container.path("resources").path("limits").path("nvidia.com/gpu").asLong());
    assertTrue(tm.path("tolerations").findValuesAsText("key").contains("nvidia.com/gpu"));
    assertFalse(tm.path("nodeSelector").isEmpty());
    // state on S3, HA, autoscaler
    assertTrue(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("s3://"));
    assertTrue(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY).startsWith("s3://"));
    assertEquals("kubernetes", conf.get(HighAvailabilityOptions.HA_MODE));
    assertTrue(conf.get(HighAvailabilityOptions.HA_STORAGE_PATH).startsWith("s3://"));
    assertEquals("true", conf.getString("job.autoscaler.enabled", "false"));
    assertEquals("adaptive", conf.getString("jobmanager.scheduler", ""));
  }

  @Test
  void theCpuVariantAsksForNoGpu() throws IOException {
    Path file = k8s.resolve("tracklight-live-cpu.yaml");
    assertFalse(Files.readString(file).contains("nvidia.com/gpu"));
    Configuration conf = flinkConfiguration(flinkDeployment("tracklight-live-cpu.yaml").path("spec"));
    assertTrue(ExternalResourceUtils.getExternalResourcesCollection(conf).isEmpty());
    assertTrue(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("file:///flink-data/"));
  }

  @Test
  void bothVariantsAgreeWithThemselves() throws IOException {
    for (String name : List.of("tracklight-live-gpu.yaml", "tracklight-live-cpu.yaml")) {
      JsonNode spec = flinkDeployment(name).path("spec");
      Configuration conf = flinkConfiguration(spec);
      assertEquals(Duration.ofSeconds(10), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL), name);
      // Prometheus: the reporter, its port, the annotations and the container port agree
      assertTrue(conf.getString("metrics.reporter.prom.factory.class", "").endsWith("PrometheusReporterFactory"), name);
      String port = conf.getString("metrics.reporter.prom.port", "");
      JsonNode annotations = spec.path("podTemplate").path("metadata").path("annotations");
      assertEquals("true", annotations.path("prometheus.io/scrape").asText(), name);
      assertEquals(port, annotations.path("prometheus.io/port").asText(), name);
      assertEquals(port, mainContainer(spec.path("podTemplate").path("spec")).path("ports")
          .findValuesAsText("containerPort").get(0), name);
      // the job: TracklightMain run, with the CLI's parallelism equal to the operator's
      JsonNode job = spec.path("job");
      List<String> args = new ArrayList<>();
      job.path("args").forEach(a -> args.add(a.asText()));
      assertEquals("run", args.get(0), name);
      assertEquals(job.path("parallelism").asText(), args.get(args.indexOf("--parallelism") + 1), name);
      assertEquals("dev.tracklight.pipeline.cli.TracklightMain", job.path("entryClass").asText());
      assertTrue(job.path("jarURI").asText().startsWith("local:///"), name);
      // the camera file comes from a Secret mounted into the JobManager (where `run` reads it)
      String config = args.get(args.indexOf("--config") + 1);
      JsonNode jm = spec.path("jobManager").path("podTemplate").path("spec");
      JsonNode mount = mainContainer(jm).path("volumeMounts").get(0);
      assertTrue(config.startsWith(mount.path("mountPath").asText() + "/"), name);
      JsonNode volume = jm.path("volumes").get(0);
      assertEquals(mount.path("name").asText(), volume.path("name").asText(), name);
      assertEquals("tracklight-cameras", volume.path("secret").path("secretName").asText(), name);
      // the image's non-root user
      assertTrue(spec.path("podTemplate").path("spec").path("securityContext").path("runAsNonRoot").asBoolean(), name);
    }
  }

  @Test
  void noCredentialIsWrittenIntoAnyManifest() throws IOException {
    Pattern userinfo = Pattern.compile("[a-z]+://[^/\\s:@<]+:[^@\\s<]+@");
    Pattern awsKey = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}");
    try (Stream<Path> files = Files.walk(repoRoot().resolve("deploy"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f);
        assertFalse(userinfo.matcher(text).find(), f + " has a URL with a password");
        assertFalse(awsKey.matcher(text).find(), f + " has an AWS access key");
        assertFalse(text.contains("aws_secret_access_key") || text.contains("s3.secret-key"), f.toString());
      }
    }
  }

  private static JsonNode flinkDeployment(String file) throws IOException {
    return CrdSchema.documents(k8s.resolve(file)).stream()
        .filter(d -> d.path("kind").asText().equals("FlinkDeployment")).findFirst().orElseThrow();
  }

  private static Configuration flinkConfiguration(JsonNode spec) {
    Map<String, String> map = new HashMap<>();
    spec.path("flinkConfiguration").properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return Configuration.fromMap(map);
  }

  private static JsonNode mainContainer(JsonNode podSpec) {
    for (JsonNode c : podSpec.path("containers")) {
      if (c.path("name").asText().equals("flink-main-container")) {
        return c;
      }
    }
    throw new AssertionError("no flink-main-container in " + podSpec);
  }

  static Path repoRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy")) && Files.isRegularFile(d.resolve("mvnw"))) {
        return d;
      }
    }
    throw new IllegalStateException("repository root (deploy/, mvnw) not found above " + Path.of("").toAbsolutePath());
  }
}
