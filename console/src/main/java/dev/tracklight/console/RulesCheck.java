package dev.tracklight.console;

/**
 * Validates highlight rules (YAML) before they are saved or queued. The console does not link the
 * rule parser (it lives with the Flink job); the module that does supplies the replay's own parser,
 * so a rule set the console accepts is one the replay accepts.
 */
@FunctionalInterface
public interface RulesCheck {

  /** Throws {@link IllegalArgumentException} with one line saying what is wrong. */
  void check(String yaml);

  /**
   * Only the YAML's shape (a mapping whose one key {@code rules} holds a list), for a console run
   * without the pipeline (its own tests).
   */
  RulesCheck SHAPE = yaml -> {
    Object doc;
    try {
      doc = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
          .loadFromString(yaml);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not valid YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (!(doc instanceof java.util.Map<?, ?> m) || m.size() != 1 || !(m.get("rules") instanceof java.util.List<?>)) {
      throw new IllegalArgumentException("expected a mapping with one key, 'rules', holding a list of rules");
    }
  };
}
