package dev.tracklight.console;

import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP server: the pages (static files from {@code /console} on the classpath), the
 * JSON API ({@link JobRoutes}), the alert stream ({@link AlertStream}), the cameras of a running
 * {@code run} ({@link LiveCameras}), and the checks every
 * request passes first ({@link #guard}): security headers, the Host check, who the user is, and
 * CSRF on state-changing requests.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  static final String SESSION_COOKIE = "tl_session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  /** An unfinished upload with no byte for this long is removed. */
  static final Duration UPLOAD_TTL = Duration.ofHours(24);
  private static final Set<String> PUBLIC_API = Set.of("/api/login", "/api/session", "/api/openapi.json");

  private final ConsoleConfig config;
  private final JobStore store;
  private final JobService jobs;
  private final Auth auth;
  private final AlertStream alerts;
  private final Javalin app;

  private ConsoleServer(ConsoleConfig config, JobStore store, JobService jobs, Auth auth, AlertStream alerts,
      Javalin app) {
    this.config = config;
    this.store = store;
    this.jobs = jobs;
    this.auth = auth;
    this.alerts = alerts;
    this.app = app;
  }

  /**
   * One executor, rules checked for their shape only (the console's own tests); see
   * {@link #start(ConsoleConfig, List, RulesCheck, Clock)}.
   */
  public static ConsoleServer start(ConsoleConfig config, JobExecutor executor, Clock clock) throws IOException {
    return start(config, List.of(executor), RulesCheck.SHAPE, clock);
  }

  /**
   * Opens the store, reconciles its jobs and starts serving; port 0 picks a free one.
   *
   * @param executors where jobs run, the default first (the job form offers the others)
   * @param rules the replay's rule parser, for saved rule sets and a job's rules
   */
  public static ConsoleServer start(ConsoleConfig config, List<JobExecutor> executors, RulesCheck rules, Clock clock)
      throws IOException {
    Path data = config.dataDir();
    Files.createDirectories(data.resolve("tmp"));
    Auth auth = new Auth(config, clock);
    JobStore store = config.store().map(s -> JobStore.open(s.url(), s.user(), s.password()))
        .orElseGet(() -> JobStore.embedded(data));
    JobService jobs = new JobService(store, executors, data, clock);
    jobs.reconcile();
    SignedLinks links = new SignedLinks(linkSecret(data), clock);
    AlertStream alerts = new AlertStream(config.alertsFile(), config.live().kafka());
    LiveCameras liveCameras = new LiveCameras(config.live(), clock);
    RuleSetRoutes ruleSets = new RuleSetRoutes(store, rules, clock);
    // Resumable uploads: partial files in tmp/ (same file system as uploads/: a finished one is moved).
    UploadStore uploadStore = new UploadStore(data.resolve("tmp"), config.maxUploadBytes(), UPLOAD_TTL, clock);
    UploadRoutes uploads = new UploadRoutes(uploadStore, Duration.ofHours(1));
    JobRoutes routes = new JobRoutes(jobs, links, config, clock, ruleSets, uploadStore);
    Javalin app = Javalin.create(c -> {
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.startup.showJavalinBanner = false;
      c.http.maxRequestSize = 1 << 20; // bodies read whole (login, JSON); uploads are multipart, below
      c.jetty.multipartConfig.cacheDirectory(data.resolve("tmp").toString());
      c.jetty.multipartConfig.maxFileSize(config.maxUploadBytes(), SizeUnit.BYTES);
      c.jetty.multipartConfig.maxTotalRequestSize(config.maxUploadBytes() + (1 << 20), SizeUnit.BYTES);
      c.jetty.multipartConfig.maxInMemoryFileSize(64, SizeUnit.KB);
      c.staticFiles.add(s -> {
        s.hostedPath = "/";
        s.directory = "/console";
        s.location = Location.CLASSPATH;
      });
      c.routes.before(ctx -> guard(ctx, config, auth));
      c.routes.get("/api/session", ctx -> session(ctx, auth, jobs.executorNames()));
      c.routes.post("/api/login", ctx -> login(ctx, auth));
      c.routes.post("/api/logout", ctx -> {
        auth.logout(ctx.cookie(SESSION_COOKIE));
        ctx.removeCookie(SESSION_COOKIE, "/");
        ctx.status(204);
      });
      c.routes.get("/api/openapi.json", ctx -> {
        ctx.contentType("application/json");
        ctx.result(ConsoleServer.class.getResourceAsStream("/openapi.json"));
      });
      routes.register(c.routes);
      ruleSets.register(c.routes);
      uploads.register(c);
      alerts.register(c.routes);
      liveCameras.register(c.routes);
      c.routes.exception(HttpResponseException.class, (e, ctx) ->
          ctx.status(e.getStatus()).json(Map.of("error", e.getMessage())));
      c.routes.exception(Exception.class, (e, ctx) -> {
        // Jetty's multipart parser reports an upload over the limit as a cause of its exception.
        for (Throwable t = e; t != null; t = t.getCause()) {
          if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).contains("size exceeded")) {
            HttpResponseException tooLarge = JobRoutes.tooLarge(config);
            ctx.status(413).json(Map.of("error", tooLarge.getMessage()));
            return;
          }
        }
        LOG.warn("request {} {} failed: {}", ctx.method(), ctx.path(), e.toString());
        ctx.status(500).json(Map.of("error", "internal error"));
      });
    });
    app.start();
    alerts.start();
    LOG.info("console on http://{}:{}/ (auth {})", config.host(), app.port(), auth.required() ? "on" : "off");
    return new ConsoleServer(config, store, jobs, auth, alerts, app);
  }

  public int port() {
    return app.port();
  }

  public JobService jobs() {
    return jobs;
  }

  /** Every request: headers, Host, user, CSRF. Sets the attribute "user" for the handlers. */
  private static void guard(Context ctx, ConsoleConfig config, Auth auth) {
    ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self';"
        + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer"); // signed links must not leak through Referer
    if (config.loopbackOnly() && !loopbackHost(ctx.header("Host"))) {
      // DNS rebinding: a page from evil.example resolved to 127.0.0.1 would otherwise be same-origin.
      throw new HttpResponseException(421, "this console answers to localhost / 127.0.0.1 only");
    }
    if (!ctx.path().startsWith("/api/")) {
      return; // pages and their scripts are public; the data they show comes from the API
    }
    Optional<String> user = Optional.empty();
    boolean bearer = false;
    String authz = ctx.header("Authorization");
    Optional<Auth.Session> session = auth.session(ctx.cookie(SESSION_COOKIE));
    if (authz != null && authz.startsWith("Bearer ")) {
      user = auth.userForToken(authz.substring(7).strip());
      if (user.isEmpty()) {
        throw new HttpResponseException(401, "invalid API token");
      }
      bearer = true;
    } else if (session.isPresent()) {
      user = Optional.of(session.get().user());
    } else if (!auth.required()) {
      user = Optional.of(Auth.LOCAL_USER);
    }
    user.ifPresent(u -> ctx.attribute("user", u));
    if (stateChanging(ctx.method()) && !bearer && !ctx.path().equals("/api/login")) {
      String expected = session.map(Auth.Session::csrf).orElse(auth.localCsrf());
      String given = ctx.header(CSRF_HEADER);
      boolean browser = ctx.header("Origin") != null || ctx.header("Sec-Fetch-Site") != null;
      // A script (curl) on the local console sends neither header and no cookie; a browser must
      // present the token that only a same-origin page could read from /api/session.
      boolean scriptOnLoopback = !auth.required() && session.isEmpty() && !browser;
      if (!scriptOnLoopback && (given == null || !java.security.MessageDigest.isEqual(
          given.getBytes(java.nio.charset.StandardCharsets.UTF_8), expected.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
        throw new HttpResponseException(403, "missing or wrong CSRF token (header " + CSRF_HEADER + ")");
      }
    }
    if (user.isEmpty() && !PUBLIC_API.contains(ctx.path()) && !JobRoutes.signedFileRequest(ctx)) {
      throw new HttpResponseException(401, "log in or send an API token");
    }
  }

  private static boolean stateChanging(HandlerType m) {
    return m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.DELETE || m == HandlerType.PATCH;
  }

  private static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":\\d+$", "");
    return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]");
  }

  private static void session(Context ctx, Auth auth, List<String> executors) {
    String user = ctx.attribute("user");
    Optional<Auth.Session> s = auth.session(ctx.cookie(SESSION_COOKIE));
    if (user == null) {
      ctx.status(401).json(Map.of("error", "not logged in", "login", true));
      return;
    }
    ctx.json(Map.of("user", user, "csrf", s.map(Auth.Session::csrf).orElse(auth.localCsrf()),
        "auth", auth.required(), "executors", executors));
  }

  private static void login(Context ctx, Auth auth) {
    String origin = ctx.header("Origin");
    if (origin != null && !origin.endsWith("://" + ctx.header("Host"))) {
      throw new HttpResponseException(403, "cross-origin login refused");
    }
    String name = Optional.ofNullable(ctx.formParam("name")).orElse("");
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    Optional<String> id = auth.login(name, password.toCharArray());
    if (id.isEmpty()) {
      throw new HttpResponseException(401, "wrong name or password");
    }
    ctx.res().addHeader("Set-Cookie", SESSION_COOKIE + "=" + id.get()
        + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + Auth.SESSION_TTL.toSeconds());
    ctx.json(Map.of("user", name, "csrf", auth.session(id.get()).orElseThrow().csrf()));
  }

  /** The HMAC key of signed links: made once per data directory, readable by its owner only. */
  private static byte[] linkSecret(Path data) throws IOException {
    Path f = data.resolve("link-secret");
    if (!Files.exists(f)) {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      Files.write(f, b);
      try {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: its own ACLs apply
      }
    }
    try (InputStream in = Files.newInputStream(f)) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() {
    app.stop();
    alerts.close();
    jobs.close();
    store.close();
  }
}
