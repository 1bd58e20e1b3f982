package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Saved rule sets: {@code GET /api/rulesets} (the user's, by name), {@code POST /api/rulesets}
 * (JSON {@code {"name", "rules"}} or form fields), {@code DELETE /api/rulesets/{id}}. Every set
 * belongs to its user; another user's set is not found. Rules are checked by {@link RulesCheck}
 * (the replay's parser) before they are saved: a bad set is a 400 with the parser's line.
 */
final class RuleSetRoutes {

  static final int MAX_RULES_CHARS = 8000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobStore store;
  private final RulesCheck check;
  private final Clock clock;

  RuleSetRoutes(JobStore store, RulesCheck check, Clock clock) {
    this.store = store;
    this.check = check;
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.get("/api/rulesets", ctx -> ctx.json(Map.of("rulesets",
        store.ruleSets(ctx.attribute("user")).stream().map(RuleSetRoutes::view).toList())));
    r.post("/api/rulesets", this::create);
    r.delete("/api/rulesets/{id}", ctx -> {
      if (!store.deleteRuleSet(ctx.attribute("user"), ctx.pathParam("id"))) {
        throw new HttpResponseException(404, "no rule set " + ctx.pathParam("id"));
      }
      ctx.status(204);
    });
  }

  private void create(Context ctx) {
    String name;
    String rules;
    if (String.valueOf(ctx.contentType()).startsWith("application/json")) {
      JsonNode body;
      try {
        body = JSON.readTree(ctx.body());
      } catch (IOException e) {
        throw new HttpResponseException(400, "body: not valid JSON; expected {\"name\": ..., \"rules\": ...}");
      }
      name = body.path("name").isTextual() ? body.get("name").asText() : null;
      rules = body.path("rules").isTextual() ? body.get("rules").asText() : null;
    } else {
      name = ctx.formParam("name");
      rules = ctx.formParam("rules");
    }
    if (name == null || name.isBlank() || name.strip().length() > 100) {
      throw new HttpResponseException(400, "name: expected 1-100 characters");
    }
    if (rules == null || rules.isBlank()) {
      throw new HttpResponseException(400, "rules: expected YAML with a top-level 'rules:' list");
    }
    RuleSet set = new RuleSet(JobService.newId(), ctx.attribute("user"), name.strip(), checked(rules), clock.instant());
    if (!store.insertRuleSet(set)) {
      throw new HttpResponseException(409, "you already have a rule set named '" + set.name() + "'");
    }
    ctx.status(201).json(view(set));
  }

  /** {@code rules} if the replay's parser accepts them, else a 400 with its one line. */
  String checked(String rules) {
    if (rules.length() > MAX_RULES_CHARS) {
      throw new HttpResponseException(400, "rules: longer than " + MAX_RULES_CHARS + " characters");
    }
    try {
      check.check(rules);
    } catch (IllegalArgumentException e) {
      throw new HttpResponseException(400, "rules: " + e.getMessage());
    }
    return rules;
  }

  /** The rules of {@code user}'s set {@code id}, or a 400 naming it (the form sent an id it cannot use). */
  String rulesOf(String user, String id) {
    Optional<RuleSet> s = store.ruleSets(user).stream().filter(r -> r.id().equals(id)).findFirst();
    return s.orElseThrow(() -> new HttpResponseException(400, "ruleset: no rule set " + id)).rules();
  }

  static Map<String, Object> view(RuleSet r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("name", r.name());
    m.put("rules", r.rules());
    m.put("created", r.createdAt().toString());
    return m;
  }
}
