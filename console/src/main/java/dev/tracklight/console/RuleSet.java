package dev.tracklight.console;

import java.time.Instant;

/**
 * A user's saved highlight rules, picked in the job form.
 *
 * @param rules YAML with a top-level {@code rules:} list, as validated when it was saved
 */
public record RuleSet(String id, String owner, String name, String rules, Instant createdAt) {}
