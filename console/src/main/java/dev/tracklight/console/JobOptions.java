package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A job's options as the user chose them; stored with the job (JSON) so that a retry reruns it the
 * same way.
 *
 * @param rules highlight rules (YAML with a top-level {@code rules:} list), or empty for the default
 * @param blurClasses classes to blur in every output (privacy), empty for none
 */
public record JobOptions(Optional<String> rules, List<String> blurClasses) {

  public static final JobOptions DEFAULTS = new JobOptions(Optional.empty(), List.of());

  public JobOptions {
    rules = rules == null ? Optional.empty() : rules;
    blurClasses = blurClasses == null ? List.of() : List.copyOf(blurClasses);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    ObjectNode n = JSON.createObjectNode();
    rules.ifPresent(r -> n.put("rules", r));
    blurClasses.forEach(n.putArray("blur")::add);
    return n.toString();
  }

  public static JobOptions fromJson(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      List<String> blur = new ArrayList<>();
      n.path("blur").forEach(c -> blur.add(c.asText()));
      return new JobOptions(n.hasNonNull("rules") ? Optional.of(n.get("rules").asText()) : Optional.empty(), blur);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
