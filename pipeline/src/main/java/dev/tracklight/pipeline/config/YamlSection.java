package dev.tracklight.pipeline.config;

import dev.tracklight.inference.ClosestMatch;
import dev.tracklight.inference.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of a parsed YAML document, read strictly: every key that is read or asked about
 * ({@link #has}) is marked as accepted, and {@link #finish()} rejects the keys nobody accepted, so a
 * typo ({@code max_bach}) fails at start instead of being ignored; its message lists every accepted
 * key and suggests the closest one. Every error names the file, the key path ({@code cameras[1].fps}) and what was
 * expected, in one line.
 */
final class YamlSection {

  private final String file;
  private final String path;
  private final Map<String, Object> values;
  /** Keys the parser accepts, in the order it asked for them (read or tested with {@link #has}). */
  private final Set<String> read = new LinkedHashSet<>();

  YamlSection(String file, String path, Map<String, Object> values) {
    this.file = file;
    this.path = path;
    this.values = values;
  }

  /** The root mapping of a document. */
  static YamlSection root(String file, Object document) {
    if (!(document instanceof Map<?, ?> map)) {
      throw new InvalidInputException(file + ": expected a YAML mapping at the top level, got "
          + describe(document));
    }
    return new YamlSection(file, "", stringKeys(file, "", map));
  }

  String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  InvalidInputException error(String name, String problem) {
    return new InvalidInputException(file + ": " + key(name) + ": " + problem);
  }

  /** An error about this section as a whole (a value object built from several keys rejected it). */
  InvalidInputException sectionError(InvalidInputException cause) {
    return new InvalidInputException(file + ": " + path + ": " + cause.getMessage(), cause);
  }

  boolean has(String name) {
    read.add(name);
    return values.containsKey(name);
  }

  private Object raw(String name) {
    read.add(name);
    return values.get(name);
  }

  String requireString(String name) {
    Object v = raw(name);
    if (v == null) {
      throw error(name, "is required; expected a string");
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw error(name, "expected a non-empty string, got " + describe(v));
    }
    return s;
  }

  Optional<String> optionalString(String name) {
    return has(name) ? Optional.of(requireString(name)) : Optional.empty();
  }

  double number(String name, double defaultValue, double min, double max) {
    Object v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw error(name, "expected a number in [" + min + ", " + max + "], got " + describe(v));
    }
    double d = n.doubleValue();
    if (d < min || d > max) {
      throw error(name, "expected a number in [" + min + ", " + max + "], got " + d);
    }
    return d;
  }

  int integer(String name, int defaultValue, int min, int max) {
    Object v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
        || ((Number) v).longValue() > max) {
      throw error(name, "expected an integer in [" + min + ", " + max + "], got " + describe(v));
    }
    return ((Number) v).intValue();
  }

  boolean bool(String name, boolean defaultValue) {
    Object v = raw(name);
    if (v == null) {
      return defaultValue;
    }
    if (!(v instanceof Boolean b)) {
      throw error(name, "expected true or false, got " + describe(v));
    }
    return b;
  }

  List<String> stringList(String name) {
    Object v = raw(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw error(name, "expected a list of strings, got " + describe(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String s) || s.isBlank()) {
        throw new InvalidInputException(file + ": " + key(name) + "[" + i + "]: expected a string, got "
            + describe(list.get(i)));
      }
      out.add(s);
    }
    return out;
  }

  /** Where this section is, for messages of nested parsers: {@code "cameras.yaml: cameras[0]"}. */
  String context() {
    return file + ": " + path;
  }

  /** A raw list (for nested parsers that validate it themselves); empty when absent. */
  List<?> list(String name) {
    Object v = raw(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw error(name, "expected a list, got " + describe(v));
    }
    return list;
  }

  /** A nested mapping; an absent key gives an empty section (so defaults apply). */
  YamlSection section(String name) {
    Object v = raw(name);
    if (v == null) {
      return new YamlSection(file, key(name), Map.of());
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw error(name, "expected a mapping, got " + describe(v));
    }
    return new YamlSection(file, key(name), stringKeys(file, key(name), map));
  }

  /** A list of mappings. */
  List<YamlSection> sections(String name) {
    Object v = raw(name);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw error(name, "expected a list of mappings, got " + describe(v));
    }
    List<YamlSection> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String itemPath = key(name) + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> map)) {
        throw new InvalidInputException(file + ": " + itemPath + ": expected a mapping, got "
            + describe(list.get(i)));
      }
      out.add(new YamlSection(file, itemPath, stringKeys(file, itemPath, map)));
    }
    return out;
  }

  /** Rejects keys that were never read. */
  void finish() {
    for (String k : values.keySet()) {
      if (!read.contains(k)) {
        throw error(k, ClosestMatch.unknownKey(k, read));
      }
    }
  }

  private static Map<String, Object> stringKeys(String file, String path, Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw new InvalidInputException(file + ": " + (path.isEmpty() ? "" : path + ": ")
            + "expected string keys, got " + describe(e.getKey()));
      }
      out.put(k, e.getValue());
    }
    return out;
  }

  static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
  }
}
