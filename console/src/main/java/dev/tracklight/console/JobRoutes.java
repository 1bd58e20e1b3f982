package dev.tracklight.console;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.sse.SseClient;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The jobs API: create (upload or s3:// URIs), list, get, files (HTTP ranges), events (SSE),
 * retry, cancel, delete. Every handler acts for the request's user ({@code ctx.attribute("user")})
 * and on that user's jobs only; another user's job is reported as not found.
 */
final class JobRoutes {

  /** How long the file links in a job's JSON stay valid. */
  static final Duration LINK_TTL = Duration.ofHours(1);
  private static final Pattern S3_URI = Pattern.compile("s3://[a-z0-9.\\-]{3,63}/\\S+");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._\\- ]{1,200}");

  private final JobService jobs;
  private final SignedLinks links;
  private final ConsoleConfig config;
  private final Clock clock;
  private final RuleSetRoutes ruleSets;
  private final UploadStore uploads;

  JobRoutes(JobService jobs, SignedLinks links, ConsoleConfig config, Clock clock, RuleSetRoutes ruleSets,
      UploadStore uploads) {
    this.jobs = jobs;
    this.uploads = uploads;
    this.ruleSets = ruleSets;
    this.links = links;
    this.config = config;
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.post("/api/jobs", this::create);
    r.get("/api/jobs", this::list);
    r.get("/api/jobs/{id}", ctx -> ctx.json(view(owned(ctx))));
    r.delete("/api/jobs/{id}", ctx -> {
      try {
        jobs.delete(owned(ctx));
      } catch (IOException e) {
        // Its S3 objects could not all be removed: the job stays, deleting again retries.
        throw new HttpResponseException(502, e.getMessage());
      }
      ctx.status(204);
    });
    r.post("/api/jobs/{id}/cancel", ctx -> {
      Job j = owned(ctx);
      if (!jobs.cancel(j.id())) {
        throw new HttpResponseException(409, "job " + j.id() + " already " + j.status().wire());
      }
      ctx.json(view(jobs.get(j.id()).orElseThrow()));
    });
    r.post("/api/jobs/{id}/retry", ctx -> {
      Job j = owned(ctx);
      if (j.status() != JobStatus.FAILED) {
        throw new HttpResponseException(409, "only a failed job can be retried; this one is " + j.status().wire());
      }
      ctx.status(201).json(view(jobs.retry(j)));
    });
    r.get("/api/jobs/{id}/files/<name>", this::file);
    r.sse("/api/jobs/{id}/events", this::jobEvents);
    r.sse("/api/events/jobs", this::allEvents);
  }

  private void create(Context ctx) throws Exception {
    // Refuse a declared oversize body before reading it (a chunked one is stopped by the parser's limit).
    long declared = ctx.req().getContentLengthLong();
    if (declared > config.maxUploadBytes() + (1 << 20)) {
      throw tooLarge(config);
    }
    String user = ctx.attribute("user");
    List<String> blur = new ArrayList<>();
    for (String c : Optional.ofNullable(ctx.formParam("blur")).orElse("").split(",")) {
      if (c.isBlank()) {
        continue;
      }
      if (!c.strip().matches("[A-Za-z][A-Za-z _-]{0,40}")) {
        throw new HttpResponseException(400, "blur: not a class name: " + c.strip());
      }
      blur.add(c.strip());
    }
    // A saved rule set by id, else the rules text; either is checked by the replay's parser first.
    Optional<String> rules = Optional.ofNullable(ctx.formParam("ruleset")).filter(s -> !s.isBlank())
        .map(id -> ruleSets.rulesOf(user, id))
        .or(() -> Optional.ofNullable(ctx.formParam("rules")).filter(s -> !s.isBlank()).map(ruleSets::checked));
    JobOptions options = new JobOptions(rules, blur);
    String executor = Optional.ofNullable(ctx.formParam("executor")).filter(s -> !s.isBlank())
        .orElse(jobs.executorNames().get(0));
    if (!jobs.executorNames().contains(executor)) {
      throw new HttpResponseException(400, "executor: '" + executor + "' is not configured here (expected one of "
          + jobs.executorNames() + ")");
    }
    List<Map<String, Object>> created = new ArrayList<>();
    String uris = Optional.ofNullable(ctx.formParam("s3")).orElse("");
    List<String> s3 = new ArrayList<>();
    for (String u : uris.split("\\s+")) {
      if (u.isBlank()) {
        continue;
      }
      if (!S3_URI.matcher(u).matches()) {
        throw new HttpResponseException(400, "not an s3:// object URI: " + u);
      }
      s3.add(u);
    }
    List<Part> parts = !ctx.isMultipartFormData() ? List.of()
        : ctx.req().getParts().stream().filter(p -> p.getName().equals("video")).toList();
    // Finished resumable uploads (POST/PUT /api/uploads) by id: the user's own, complete ones.
    List<String> uploaded = ctx.formParams("upload").stream().filter(s -> !s.isBlank()).toList();
    if (parts.isEmpty() && s3.isEmpty() && uploaded.isEmpty()) {
      throw new HttpResponseException(400, "no video: send a multipart file field 'video', finished upload ids in"
          + " field 'upload' or s3 URIs in field 's3'");
    }
    uploads.checkComplete(user, uploaded); // UploadStore.Refused: 404 another user's or unknown, 409 unfinished
    // Check every file before storing any: one bad file rejects the request, and nothing is queued.
    for (Part p : parts) {
      if (p.getSize() > config.maxUploadBytes()) {
        throw tooLarge(config);
      }
      byte[] head;
      try (InputStream in = p.getInputStream()) {
        head = in.readNBytes(188 * 3);
      }
      if (VideoSniffer.container(head, head.length).isEmpty()) {
        throw new HttpResponseException(415, VideoSniffer.refusal(displayName(p.getSubmittedFileName())));
      }
    }
    for (Part p : parts) {
      String id = JobService.newId();
      String name = displayName(p.getSubmittedFileName());
      Path dir = jobs.uploadDir(id);
      Files.createDirectories(dir);
      Path target = dir.resolve(name);
      // Copied, not Part.write(): Jetty's write moves its temp file and then deletes the part's file
      // when the request ends, which took the upload with it. A copy costs a second write of the file.
      try (InputStream in = p.getInputStream()) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
      p.delete();
      created.add(brief(jobs.create(id, user, name, target.toString(), options, executor)));
    }
    for (String u : uploaded) {
      String id = JobService.newId();
      // Moved, not copied: a rename within the data directory, whatever the file's size.
      Upload up = uploads.moveInto(user, u, jobs.uploadDir(id));
      Path target = jobs.uploadDir(id).resolve(up.name());
      created.add(brief(jobs.create(id, user, up.name(), target.toString(), options, executor)));
    }
    for (String u : s3) {
      String id = JobService.newId();
      created.add(brief(jobs.create(id, user, u.substring(u.lastIndexOf('/') + 1), u, options, executor)));
    }
    ctx.status(201).json(created.size() == 1 ? created.get(0) : Map.of("jobs", created));
  }

  static HttpResponseException tooLarge(ConsoleConfig config) {
    return new HttpResponseException(413, tooLargeMessage(config.maxUploadBytes()));
  }

  static String tooLargeMessage(long maxBytes) {
    return "upload too large: the limit is " + maxBytes + " bytes (" + (maxBytes >> 20) + " MB)";
  }

  /** The uploaded name reduced to a safe file name (no directories, no odd characters). */
  static String displayName(String submitted) {
    String n = submitted == null ? "video" : submitted.replace('\\', '/');
    n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._\\- ]", "_");
    if (n.isBlank() || n.startsWith(".")) {
      n = "video" + n;
    }
    return n.length() > 200 ? n.substring(n.length() - 200) : n;
  }

  private void list(Context ctx) {
    int limit = intParam(ctx, "limit", 50, 1, 500);
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    String status = ctx.queryParam("status");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Job j : jobs.list(ctx.attribute("user"), offset, limit)) {
      if (status == null || status.isBlank() || j.status().wire().equals(status)) {
        out.add(brief(j));
      }
    }
    ctx.json(Map.of("jobs", out, "offset", offset, "limit", limit));
  }

  private static int intParam(Context ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new HttpResponseException(400, name + " must be an integer in " + min + ".." + max);
    }
  }

  private Job owned(Context ctx) {
    Optional<Job> j = jobs.get(ctx.pathParam("id"));
    if (j.isEmpty() || !j.get().owner().equals(ctx.attribute("user"))) {
      throw new HttpResponseException(404, "no job " + ctx.pathParam("id"));
    }
    return j.get();
  }

  static Map<String, Object> brief(Job j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", j.id());
    m.put("status", j.status().wire());
    m.put("progress", Math.round(j.progress() * 1000) / 10.0);
    m.put("error", j.error().orElse(null));
    m.put("video", j.videoName());
    m.put("executor", j.executor());
    List<String> blurred = JobOptions.fromJson(j.options()).blurClasses();
    if (!blurred.isEmpty()) {
      m.put("blur", blurred);
    }
    m.put("created", j.createdAt().toString());
    m.put("updated", j.updatedAt().toString());
    return m;
  }

  /** The job with its files as signed links (they work in a player, a download or a shared URL). */
  Map<String, Object> view(Job j) {
    Map<String, Object> m = brief(j);
    Map<String, String> files = new LinkedHashMap<>();
    if (j.status() == JobStatus.DONE) {
      Path root = jobs.outputRoot(j);
      for (Path f : jobs.files(j)) {
        String name = root.relativize(f).toString().replace('\\', '/');
        files.put(name, "/api/jobs/" + j.id() + "/files/" + encodePath(name) + "?" + links.query(j.id(), name, LINK_TTL));
      }
    }
    m.put("files", files);
    return m;
  }

  private static String encodePath(String name) {
    List<String> parts = new ArrayList<>();
    for (String s : name.split("/")) {
      parts.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", parts);
  }

  /** Whether this request is for a job file and carries a valid signed link (no login needed). */
  static boolean signedFileRequest(Context ctx) {
    // The guard only lets it through; the file handler checks the signature and expiry itself.
    return FILE_PATH.matcher(ctx.path()).matches() && ctx.queryParam("exp") != null && ctx.queryParam("sig") != null;
  }

  private static final Pattern FILE_PATH = Pattern.compile("/api/jobs/[^/]+/files/.+");

  private void file(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    String name = ctx.pathParam("name");
    Optional<Job> job = jobs.get(id);
    boolean signed = links.valid(id, name, ctx.queryParam("exp"), ctx.queryParam("sig"));
    String user = ctx.attribute("user");
    if (job.isEmpty() || !(signed || job.get().owner().equals(user))) {
      throw new HttpResponseException(404, "no such file");
    }
    Path root = jobs.outputRoot(job.get());
    Path f = root == null ? null : resolveInside(root, name);
    if (f == null || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      throw new HttpResponseException(404, "no such file");
    }
    ctx.header("Cache-Control", "private, max-age=3600");
    if (name.endsWith(".jsonl") || name.endsWith(".txt") || name.endsWith(".json")) {
      ctx.header("Content-Disposition", "attachment; filename=\"" + f.getFileName() + "\"");
    }
    ctx.writeSeekableStream(Files.newInputStream(f), contentType(name), Files.size(f));
  }

  /** {@code name} under {@code root}, or null if it is not a plain relative path that stays inside. */
  static Path resolveInside(Path root, String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
      return null;
    }
    for (String seg : name.split("/")) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || !SAFE_NAME.matcher(seg).matches()) {
        return null;
      }
    }
    Path f = root.resolve(name).normalize();
    return f.startsWith(root) ? f : null;
  }

  static String contentType(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".mp4")) {
      return "video/mp4";
    } else if (n.endsWith(".vtt")) {
      return "text/vtt; charset=utf-8";
    } else if (n.endsWith(".json")) {
      return "application/json";
    } else if (n.endsWith(".jsonl")) {
      return "application/x-ndjson";
    } else if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
      return "image/jpeg";
    } else if (n.endsWith(".png")) {
      return "image/png";
    } else if (n.endsWith(".txt")) {
      return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
  }

  private void jobEvents(SseClient client) {
    Context ctx = client.ctx();
    Job j = owned(ctx);
    String id = j.id();
    client.keepAlive();
    AutoCloseable sub = jobs.events().subscribe(changed -> {
      if (changed.id().equals(id)) {
        client.sendEvent("job", json(view(changed)));
      }
    });
    client.onClose(() -> closeQuietly(sub));
    client.sendEvent("job", json(view(jobs.get(id).orElse(j))));
  }

  private void allEvents(SseClient client) {
    String user = client.ctx().attribute("user");
    client.keepAlive();
    AutoCloseable sub = jobs.events().subscribe(changed -> {
      if (changed.owner().equals(user)) {
        client.sendEvent("job", json(brief(changed)));
      }
    });
    client.onClose(() -> closeQuietly(sub));
    client.sendComment("subscribed");
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // unsubscribing cannot fail in a way that matters
    }
  }
}
