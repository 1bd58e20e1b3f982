package dev.tracklight.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, tokens, login, CSRF, per-user jobs, signed links and the upload limit, over real HTTP. */
class ConsoleSecurityTest {

  static final String ALICE_TOKEN = "alice-token-0123456789abcdef0123456789abcdef";
  static final String BOB_TOKEN = "bob-token-0123456789abcdef0123456789abcdef012";

  @TempDir
  Path data;
  ConsoleServer server;
  ConsoleClient alice;
  ConsoleClient bob;
  ConsoleClient anonymous;

  @BeforeEach
  void up() throws Exception {
    List<ConsoleConfig.User> users = List.of(
        new ConsoleConfig.User("alice", Optional.of(PasswordHash.hash("correct horse".toCharArray(), 20_000)),
            List.of("sha256:" + Auth.sha256(ALICE_TOKEN))),
        new ConsoleConfig.User("bob", Optional.empty(), List.of("sha256:" + Auth.sha256(BOB_TOKEN))));
    server = ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0).withUsers(users).withMaxUploadBytes(600_000),
        new LocalExecutor(ScriptedReplay.launcher(10), 1), Clock.systemUTC());
    alice = new ConsoleClient(server.port());
    alice.headers.put("Authorization", "Bearer " + ALICE_TOKEN);
    bob = new ConsoleClient(server.port());
    bob.headers.put("Authorization", "Bearer " + BOB_TOKEN);
    anonymous = new ConsoleClient(server.port());
  }

  @AfterEach
  void down() {
    server.close();
  }

  String aliceJob() throws Exception {
    HttpResponse<String> r = alice.upload("bottles.mp4", Files.readAllBytes(ConsoleApiTest.VIDEO), Map.of());
    assertEquals(201, r.statusCode(), r.body());
    String id = ConsoleClient.json(r).path("id").asText();
    for (int i = 0; i < 600; i++) {
      JsonNode j = ConsoleClient.json(alice.get("/api/jobs/" + id));
      if (j.path("status").asText().equals("done")) {
        return id;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("alice's job did not finish");
  }

  @Test
  void jobsAndFilesBelongToTheirUserOrASignedLink() throws Exception {
    assertEquals(401, anonymous.get("/api/jobs").statusCode());
    ConsoleClient wrong = new ConsoleClient(server.port());
    wrong.headers.put("Authorization", "Bearer wrong");
    assertEquals(401, wrong.get("/api/jobs").statusCode());
    assertEquals(200, anonymous.get("/index.html").statusCode(), "pages are public; their data is not");
    String id = aliceJob();
    assertEquals(404, bob.get("/api/jobs/" + id).statusCode(), "bob does not see alice's job");
    assertEquals(0, ConsoleClient.json(bob.get("/api/jobs")).path("jobs").size());
    assertEquals(404, bob.delete("/api/jobs/" + id).statusCode());
    assertEquals(404, bob.getBytes("/api/jobs/" + id + "/files/annotated.mp4", null).statusCode());
    assertEquals(401, anonymous.getBytes("/api/jobs/" + id + "/files/annotated.mp4", null).statusCode());
    String link = ConsoleClient.json(alice.get("/api/jobs/" + id)).path("files").path("annotated.mp4").asText();
    assertEquals(200, anonymous.getBytes(link, null).statusCode(), "the signed link works without login");
    assertEquals(200, bob.getBytes(link, null).statusCode());
    String tampered = link.replaceFirst("sig=.", "sig=" + (link.contains("sig=A") ? "B" : "A"));
    assertEquals(404, anonymous.getBytes(tampered, null).statusCode());
    String otherFile = link.replace("/annotated.mp4?", "/highlights.vtt?");
    assertEquals(404, anonymous.getBytes(otherFile, null).statusCode(), "a link is for its one file");
  }

  @Test
  void signedLinksExpire() {
    byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    Instant t0 = Instant.parse("2026-12-04T10:00:00Z");
    String q = new SignedLinks(key, Clock.fixed(t0, ZoneOffset.UTC)).query("job", "annotated.mp4", Duration.ofHours(1));
    String exp = q.replaceFirst("exp=(\\d+)&.*", "$1");
    String sig = q.replaceFirst(".*sig=", "");
    assertTrue(new SignedLinks(key, Clock.fixed(t0.plusSeconds(3599), ZoneOffset.UTC)).valid("job", "annotated.mp4", exp, sig));
    assertFalse(new SignedLinks(key, Clock.fixed(t0.plusSeconds(3601), ZoneOffset.UTC)).valid("job", "annotated.mp4", exp, sig));
    assertFalse(new SignedLinks(key, Clock.fixed(t0, ZoneOffset.UTC)).valid("job", "annotated.mp4",
        Long.toString(Long.parseLong(exp) + 3600), sig), "a later expiry breaks the signature");
  }

  @Test
  void loginSetsASessionWhoseChangesNeedTheCsrfToken() throws Exception {
    assertEquals(401, anonymous.post("/api/login", "name=alice&password=wrong").statusCode());
    assertEquals(401, anonymous.post("/api/login", "name=nobody&password=x").statusCode());
    HttpResponse<String> ok = anonymous.post("/api/login", "name=alice&password=correct%20horse");
    assertEquals(200, ok.statusCode(), ok.body());
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
    ConsoleClient browser = new ConsoleClient(server.port());
    browser.headers.put("Cookie", cookie.substring(0, cookie.indexOf(';')));
    assertEquals("alice", ConsoleClient.json(browser.get("/api/session")).path("user").asText());
    byte[] video = Files.readAllBytes(ConsoleApiTest.VIDEO);
    assertEquals(403, browser.upload("b.mp4", video, Map.of()).statusCode(), "no CSRF token");
    browser.headers.put("X-CSRF-Token", "0".repeat(64));
    assertEquals(403, browser.upload("b.mp4", video, Map.of()).statusCode(), "a wrong CSRF token");
    browser.headers.put("X-CSRF-Token", ConsoleClient.json(ok).path("csrf").asText());
    assertEquals(201, browser.upload("b.mp4", video, Map.of()).statusCode());
    assertEquals(1, ConsoleClient.json(alice.get("/api/jobs")).path("jobs").size(), "the session's job is alice's");
  }

  @Test
  void anUploadOverTheLimitIsRefusedAndNotStored() throws Exception {
    byte[] big = new byte[700_000];
    System.arraycopy(Files.readAllBytes(ConsoleApiTest.VIDEO), 0, big, 0, 500_000);
    HttpResponse<String> r = alice.upload("big.mp4", big, Map.of());
    assertEquals(413, r.statusCode(), r.body());
    assertTrue(ConsoleClient.json(r).path("error").asText().startsWith("upload too large"), r.body());
    assertEquals(0, ConsoleClient.json(alice.get("/api/jobs")).path("jobs").size());
    assertFalse(Files.exists(data.resolve("uploads")));
  }

  @Test
  void anyOtherBindAddressNeedsUsers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Auth(ConsoleConfig.defaults(data).withHost("0.0.0.0"), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("requires users"), e.getMessage());
  }

  @Test
  void passwordHashesAreSaltedAndSlow() {
    // The default cost (600,000 rounds, OWASP 2023) takes seconds here: checked by its constant only.
    assertEquals(600_000, PasswordHash.ITERATIONS);
    String a = PasswordHash.hash("pw".toCharArray(), 1000);
    String b = PasswordHash.hash("pw".toCharArray(), 1000);
    assertNotEquals(a, b, "salted");
    assertTrue(a.startsWith("pbkdf2-sha256$1000$"), a);
    assertTrue(PasswordHash.verify("pw".toCharArray(), a));
    assertFalse(PasswordHash.verify("pw ".toCharArray(), a));
  }
}
