package dev.tracklight.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.console.Auth;
import dev.tracklight.console.ConsoleConfig;
import dev.tracklight.console.ConsoleServer;
import dev.tracklight.console.LocalExecutor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saved rule sets through {@code tracklight serve}'s wiring: checked by the replay's own rule
 * parser (a class the model does not have, a typo'd key and broken YAML are each a 400 with the
 * parser's line; nothing is saved), and every set belongs to its user.
 */
class ConsoleRuleSetsTest {

  static final String ALICE = "alice-token-0123456789abcdef0123456789abcdef";
  static final String BOB = "bob-token-0123456789abcdef0123456789abcdef012";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path data;
  ConsoleServer server;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void up() throws Exception {
    List<ConsoleConfig.User> users = List.of(
        new ConsoleConfig.User("alice", Optional.empty(), List.of("sha256:" + Auth.sha256(ALICE))),
        new ConsoleConfig.User("bob", Optional.empty(), List.of("sha256:" + Auth.sha256(BOB))));
    server = ConsoleServer.start(ConsoleConfig.defaults(data).withPort(0).withUsers(users),
        List.of(new LocalExecutor((video, out, rules, blur) -> List.of("true"), 1)), ServeCommand.rulesCheck(),
        Clock.systemUTC());
  }

  @AfterEach
  void down() {
    server.close();
  }

  @Test
  void theReplaysParserChecksEveryRuleSet() throws Exception {
    String ok = "rules:\n  - {type: zone, name: desk, polygon: [[0.2, 0.2], [0.8, 0.2], [0.8, 0.9]], classes: [person]}\n";
    HttpResponse<String> r = save(ALICE, "desk", ok);
    assertEquals(201, r.statusCode(), r.body());
    assertBad(save(ALICE, "unicorns", "rules:\n  - {type: appearance, name: u, classes: [unicorn]}\n"), "unicorn");
    assertBad(save(ALICE, "typo", "rules:\n  - {type: appearance, name: d, clases: [dog]}\n"), "clases");
    assertBad(save(ALICE, "yaml", "rules: [ {type: zone"), "not valid YAML");
    assertBad(save(ALICE, "shape", "- {type: appearance, classes: [dog]}\n"), "top-level 'rules:'");
    assertBad(save(ALICE, "", ok), "name");
    assertEquals(List.of("desk"), names(ALICE), "nothing invalid was saved");
  }

  @Test
  void aRuleSetBelongsToItsUser() throws Exception {
    String id = JSON.readTree(save(ALICE, "dogs", "rules:\n  - {type: appearance, name: d, classes: [dog]}\n").body())
        .path("id").asText();
    assertEquals(201, save(BOB, "dogs", "rules:\n  - {type: appearance, name: c, classes: [cat]}\n").statusCode(),
        "names are per user");
    assertEquals(List.of("dogs"), names(BOB));
    JsonNode bobs = JSON.readTree(send(BOB, request("/api/rulesets").GET()).body()).path("rulesets");
    assertTrue(bobs.get(0).path("rules").asText().contains("cat"), "bob sees his own set, not alice's");
    assertEquals(404, send(BOB, request("/api/rulesets/" + id).DELETE()).statusCode());
    assertEquals(401, http.send(request("/api/rulesets").GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    assertEquals(204, send(ALICE, request("/api/rulesets/" + id).DELETE()).statusCode());
    assertEquals(List.of(), names(ALICE));
    assertEquals(List.of("dogs"), names(BOB));
  }

  private static void assertBad(HttpResponse<String> r, String expected) throws Exception {
    assertEquals(400, r.statusCode(), r.body());
    String error = JSON.readTree(r.body()).path("error").asText();
    assertTrue(error.contains(expected) && !error.contains("\n"), error);
  }

  private List<String> names(String token) throws Exception {
    JsonNode list = JSON.readTree(send(token, request("/api/rulesets").GET()).body()).path("rulesets");
    return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(n -> n.path("name").asText()).toList();
  }

  private HttpResponse<String> save(String token, String name, String rules) throws Exception {
    return send(token, request("/api/rulesets").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("name", name, "rules", rules)))));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
  }

  private HttpResponse<String> send(String token, HttpRequest.Builder b) throws Exception {
    return http.send(b.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }
}
