package dev.tracklight.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads over HTTP (the bytes and their rules are {@link UploadStore}'s):
 * {@code POST /api/uploads} {@code {"name","size"}} → 201 {@code {"id","offset",...}};
 * {@code PUT /api/uploads/{id}} with {@code Content-Range: bytes START-END/TOTAL} appends a chunk
 * (409 with {@code offset} when START is not the current offset); {@code GET}/{@code HEAD} tell
 * the offset; {@code DELETE} abandons. A finished upload's id goes to {@code POST /api/jobs} as
 * field {@code upload}. Every upload belongs to its user: another user's id is not found.
 *
 * <p><b>State.</b> None of its own but the sweeper: one daemon thread, started with the server,
 * that removes expired uploads every {@code sweepEvery} (and once at start), stopped with it.
 */
final class UploadRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(UploadRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UploadStore store;
  private final Duration sweepEvery;
  private ScheduledExecutorService sweeper;

  UploadRoutes(UploadStore store, Duration sweepEvery) {
    this.store = store;
    this.sweepEvery = sweepEvery;
  }

  /** The routes, the mapping of the store's refusals, and the sweeper's start and stop. */
  void register(JavalinConfig c) {
    c.routes.post("/api/uploads", this::create);
    c.routes.put("/api/uploads/{id}", this::append);
    c.routes.get("/api/uploads/{id}", ctx -> ctx.header("Cache-Control", "no-store").json(view(owned(ctx))));
    c.routes.head("/api/uploads/{id}", ctx -> {
      Upload u = owned(ctx);
      ctx.header("Cache-Control", "no-store");
      ctx.header("Upload-Offset", String.valueOf(u.offset()));
      ctx.header("Upload-Length", String.valueOf(u.size()));
      ctx.status(200);
    });
    c.routes.delete("/api/uploads/{id}", ctx -> {
      store.delete(ctx.attribute("user"), ctx.pathParam("id"));
      ctx.status(204);
    });
    c.routes.exception(UploadStore.Refused.class, (e, ctx) -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", e.getMessage());
      if (e.offset() >= 0) {
        body.put("offset", e.offset());
        ctx.header("Upload-Offset", String.valueOf(e.offset()));
      }
      ctx.status(e.status()).json(body);
    });
    c.events.serverStarted(this::startSweeping);
    c.events.serverStopping(this::stopSweeping);
  }

  private void create(Context ctx) throws IOException {
    String name;
    String size;
    if (ctx.isJson()) {
      JsonNode b;
      try {
        b = JSON.readTree(ctx.body());
      } catch (JsonProcessingException e) {
        throw new HttpResponseException(400, "expected JSON {\"name\": ..., \"size\": ...}");
      }
      name = b.path("name").asText(null);
      size = b.hasNonNull("size") ? b.get("size").asText() : null;
    } else {
      name = ctx.formParam("name");
      size = ctx.formParam("size");
    }
    if (name == null || name.isBlank()) {
      throw new HttpResponseException(400, "name: the file's name is required");
    }
    long bytes;
    try {
      bytes = Long.parseLong(Optional.ofNullable(size).orElse("").strip());
    } catch (NumberFormatException e) {
      throw new HttpResponseException(400, "size: expected the file's length in bytes, got " + size);
    }
    Upload u = store.create(ctx.attribute("user"), name, bytes);
    ctx.header("Location", "/api/uploads/" + u.id());
    ctx.status(201).json(view(u));
  }

  private void append(Context ctx) {
    ContentRange range;
    try {
      range = ContentRange.parse(ctx.header("Content-Range"));
    } catch (IllegalArgumentException e) {
      throw new HttpResponseException(400, e.getMessage());
    }
    String id = ctx.pathParam("id");
    try {
      Upload u = store.append(ctx.attribute("user"), id, range, ctx.req().getContentLengthLong(),
          ctx.req().getInputStream());
      ctx.header("Upload-Offset", String.valueOf(u.offset()));
      ctx.json(view(u));
    } catch (IOException e) {
      // The client went away mid-chunk: what arrived is kept and it resumes from the offset.
      LOG.debug("upload {}: connection lost mid-chunk: {}", id, e.toString());
      long offset = store.get(ctx.attribute("user"), id).map(Upload::offset).orElse(-1L);
      throw new UploadStore.Refused(400, "the chunk was cut off; resume at the offset", offset);
    }
  }

  private Upload owned(Context ctx) {
    return store.get(ctx.attribute("user"), ctx.pathParam("id"))
        .orElseThrow(() -> new HttpResponseException(404, "no upload " + ctx.pathParam("id")));
  }

  static Map<String, Object> view(Upload u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", u.id());
    m.put("name", u.name());
    m.put("size", u.size());
    m.put("offset", u.offset());
    m.put("complete", u.complete());
    m.put("updated", u.updated().toString());
    return m;
  }

  private synchronized void startSweeping() {
    store.sweep();
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "upload-sweeper");
      t.setDaemon(true);
      return t;
    });
    long every = sweepEvery.toMillis();
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        store.sweep();
      } catch (RuntimeException e) {
        LOG.warn("upload sweep failed: {}", e.toString());
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  private synchronized void stopSweeping() {
    if (sweeper != null) {
      sweeper.shutdownNow();
      sweeper = null;
    }
  }
}
