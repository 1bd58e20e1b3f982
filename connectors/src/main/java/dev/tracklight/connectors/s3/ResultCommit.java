package dev.tracklight.connectors.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The commit protocol of a video's outputs under an S3 prefix. The outputs count only once
 * {@value #RESULT} exists: it is written last and lists every object (key, size, SHA-256) with
 * the replay's summary, or says {@code "status":"failed"} and why. A retried attempt uploads over
 * the partial objects of an earlier one, deletes those it did not write, and only then writes
 * {@value #RESULT}; readers ({@link #read}, {@code batch status}) never take a prefix without it
 * as complete, and {@link #verify} checks the listed objects against the bucket.
 */
public final class ResultCommit {

  public static final String RESULT = "result.json";
  public static final String SCHEMA = "tracklight.result.v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ResultCommit() {}

  /**
   * Uploads every file under {@code localDir} to {@code prefix} (same relative paths), removes
   * objects an earlier attempt left there that this one did not write, then commits.
   *
   * @param fields extra top-level fields of the record (video, job id, attempt, timings)
   * @return the committed record
   */
  public static ObjectNode commitDone(S3Storage s3, Path localDir, S3Uri prefix, JsonNode summary,
      Map<String, Object> fields, Clock clock) throws IOException {
    S3Uri dir = prefix.asPrefix();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(localDir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    ObjectNode record = base("done", fields, clock);
    ArrayNode objects = record.putArray("objects");
    Set<String> written = new HashSet<>();
    long start = System.nanoTime();
    for (Path f : files) {
      String rel = localDir.relativize(f).toString().replace('\\', '/');
      S3Storage.Uploaded u = s3.upload(f, dir.resolve(rel));
      written.add(u.key());
      objects.addObject().put("key", u.key()).put("size", u.size()).put("sha256", u.sha256());
    }
    removeLeftovers(s3, dir, written);
    record.put("upload_s", (System.nanoTime() - start) / 1e9);
    record.set("summary", summary);
    s3.put(dir.resolve(RESULT), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record), "application/json");
    return record;
  }

  /** Commits a failure (bad input): no outputs, the reason in {@code error}. */
  public static ObjectNode commitFailed(S3Storage s3, S3Uri prefix, String error,
      Map<String, Object> fields, Clock clock) throws IOException {
    S3Uri dir = prefix.asPrefix();
    ObjectNode record = base("failed", fields, clock);
    record.put("error", error);
    record.putArray("objects");
    removeLeftovers(s3, dir, Set.of());
    s3.put(dir.resolve(RESULT), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record), "application/json");
    return record;
  }

  /** The committed record under a prefix, or empty if the prefix is not (yet) committed. */
  public static Optional<JsonNode> read(S3Storage s3, S3Uri prefix) throws IOException {
    Optional<byte[]> bytes = s3.readIfExists(prefix.asPrefix().resolve(RESULT));
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    JsonNode node = JSON.readTree(bytes.get());
    if (!SCHEMA.equals(node.path("schema").asText())) {
      return Optional.empty(); // not ours, or torn: never taken as complete
    }
    return Optional.of(node);
  }

  /** The problems of a committed record against the bucket (missing or resized objects); empty if none. */
  public static List<String> verify(S3Storage s3, S3Uri prefix, JsonNode record) {
    Map<String, Long> present = new java.util.HashMap<>();
    for (S3Storage.ObjectInfo o : s3.listPrefix(prefix.asPrefix())) {
      present.put(o.uri().key(), o.size());
    }
    List<String> problems = new ArrayList<>();
    for (JsonNode o : record.path("objects")) {
      Long size = present.get(o.path("key").asText());
      if (size == null) {
        problems.add("missing " + o.path("key").asText());
      } else if (size != o.path("size").asLong()) {
        problems.add(o.path("key").asText() + " has " + size + " bytes, expected " + o.path("size").asLong());
      }
    }
    return problems;
  }

  private static void removeLeftovers(S3Storage s3, S3Uri dir, Set<String> keep) {
    List<String> stale = new ArrayList<>();
    for (S3Storage.ObjectInfo o : s3.listPrefix(dir)) {
      String key = o.uri().key();
      if (!keep.contains(key) && !key.equals(dir.resolve(RESULT).key())) {
        stale.add(key);
      }
    }
    if (!stale.isEmpty()) {
      s3.delete(dir.bucket(), stale);
    }
  }

  private static ObjectNode base(String status, Map<String, Object> fields, Clock clock) {
    ObjectNode record = JSON.createObjectNode();
    record.put("schema", SCHEMA);
    record.put("status", status);
    record.put("committed_at", clock.instant().toString());
    fields.forEach((k, v) -> record.set(k, JSON.valueToTree(v)));
    return record;
  }
}
