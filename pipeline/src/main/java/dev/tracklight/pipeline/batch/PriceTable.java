package dev.tracklight.pipeline.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * On-demand prices per instance-hour, from the table kept in the repository
 * ({@code prices.json} beside this class) or a file of the same shape.
 */
public record PriceTable(String currency, Map<String, Double> perHour) {

  public static PriceTable bundled() {
    try (InputStream in = PriceTable.class.getResourceAsStream("prices.json")) {
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new IllegalStateException("bundled price table unreadable", e);
    }
  }

  public static PriceTable load(Path file) {
    try {
      return parse(new ObjectMapper().readTree(file.toFile()));
    } catch (IOException e) {
      throw new InvalidInputException("cannot read price table " + file + ": " + e.getMessage()
          + " (expected JSON {\"currency\":..., \"per_hour\":{\"g4dn.xlarge\":0.526}})");
    }
  }

  private static PriceTable parse(JsonNode n) {
    Map<String, Double> m = new HashMap<>();
    n.path("per_hour").fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asDouble()));
    return new PriceTable(n.path("currency").asText("USD"), Map.copyOf(m));
  }

  public double perHour(String instanceType) {
    Double p = perHour.get(instanceType);
    if (p == null) {
      throw new InvalidInputException("no price for instance type " + instanceType + " in the price table"
          + " (expected one of " + new java.util.TreeSet<>(perHour.keySet()) + ")");
    }
    return p;
  }
}
