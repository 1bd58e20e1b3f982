package dev.tracklight.pipeline.config;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.ClosestMatch;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * A camera's {@code rules:} list as written, with where it was written. Rules name classes, and
 * class names belong to the model, which is known only once it is loaded; so the list is kept as
 * parsed YAML and turned into {@link Rule}s by {@link #parse} before the job starts, with every
 * error prefixed by its place, e.g. {@code cameras.yaml: cameras[0] (lobby): rules[1] (door):
 * points: expected two points ...}.
 *
 * @param context where the list is, for messages ({@code "cameras.yaml: cameras[0] (lobby)"})
 * @param items the list's items as snakeyaml-engine loaded them; empty = the default rules
 */
public record RuleConfig(String context, List<?> items) {

  /** No rules configured: the defaults apply. */
  public static final RuleConfig DEFAULTS = new RuleConfig("", List.of());

  /** Rules files are a few rules; a larger file is a mistake. */
  private static final long MAX_FILE_BYTES = 1L << 20;

  public RuleConfig {
    items = items == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
  }

  /** The rules, validated against the model's class names. */
  public List<Rule> parse(ClassNames names) {
    try {
      return new RuleParser(names).parse(items);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(context + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a rules file for {@code tracklight replay --rules}: a mapping with one key, {@code rules},
   * holding the list.
   */
  public static RuleConfig load(Path file) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new InvalidInputException(file + ": larger than 1 MiB; expected a rules file");
      }
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("rules file not found: " + file
          + " (expected a YAML file with a top-level 'rules:' list)");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read rules file " + file + ": " + e.getMessage());
    }
    return fromText(file.toString(), text);
  }

  /**
   * Rules as a rules file holds them (the console's saved rule sets); {@code label} prefixes every
   * message.
   */
  public static RuleConfig fromText(String label, String text) {
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().setLabel(label).setAllowDuplicateKeys(false)
          .build()).loadFromString(text);
    } catch (YamlEngineException e) {
      throw new InvalidInputException(label + ": not valid YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (!(doc instanceof Map<?, ?> map) || !map.containsKey("rules")) {
      throw new InvalidInputException(label + ": expected a mapping with a top-level 'rules:' list, got "
          + YamlSection.describe(doc));
    }
    for (Object key : map.keySet()) {
      if (!"rules".equals(key)) {
        throw new InvalidInputException(label + ": " + key + ": "
            + ClosestMatch.unknownKey(String.valueOf(key), List.of("rules")));
      }
    }
    if (!(map.get("rules") instanceof List<?> list)) {
      throw new InvalidInputException(label + ": rules: expected a list of rules, got "
          + YamlSection.describe(map.get("rules")));
    }
    return new RuleConfig(label, list);
  }
}
