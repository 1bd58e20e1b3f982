package dev.tracklight.operators.highlights;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.inference.ClosestMatch;
import dev.tracklight.inference.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the {@code rules:} list of a camera, as snakeyaml-engine loads it (a list of maps of
 * strings, numbers and lists), into validated {@link Rule}s. Every problem is an
 * {@link InvalidInputException} whose one-line message names the rule and key, e.g.
 * {@code rules[2] (door): points: expected two points [x, y] in 0..1, got [[0.1, 0.2]]}.
 *
 * <p>Keys common to every type: {@code type}, {@code name} (unique), {@code pre_roll_seconds},
 * {@code post_roll_seconds}, {@code severity} (info, warning, critical; default
 * {@link Severity#defaultFor}). Per type:
 *
 * <ul>
 *   <li>{@code zone}: {@code polygon} (list of [x, y]), {@code classes}, {@code inertia};
 *   <li>{@code loitering}: {@code polygon}, {@code classes}, {@code min_seconds}, {@code inertia};
 *   <li>{@code line}: {@code points} (two [x, y]), {@code direction} (in/out/both),
 *       {@code classes}, {@code inertia};
 *   <li>{@code crowd}: {@code polygon}, {@code classes}, {@code min_count}, {@code min_seconds},
 *       {@code inertia};
 *   <li>{@code appearance}: {@code classes} (required), {@code min_absence_seconds},
 *       {@code inertia};
 *   <li>{@code activity}: {@code classes}, {@code window_seconds}, {@code sigma},
 *       {@code min_score}.
 * </ul>
 *
 * A missing {@code classes} means every class (except for {@code appearance}, where it is
 * required). An empty or absent rule list yields {@link #defaults()}: configured rules replace the
 * defaults rather than adding to them.
 */
public final class RuleParser {

  /** Default absence before an object counts as appearing again: one second bridges brief misses. */
  public static final double DEFAULT_MIN_ABSENCE_SECONDS = 1.0;

  private static final Set<String> COMMON = Set.of("type", "name", "pre_roll_seconds",
      "post_roll_seconds", "severity");
  private static final Map<RuleKind, Set<String>> KEYS = Map.of(
      RuleKind.ZONE, Set.of("polygon", "classes", "inertia"),
      RuleKind.LOITERING, Set.of("polygon", "classes", "min_seconds", "inertia"),
      RuleKind.LINE, Set.of("points", "direction", "classes", "inertia"),
      RuleKind.CROWD, Set.of("polygon", "classes", "min_count", "min_seconds", "inertia"),
      RuleKind.APPEARANCE, Set.of("classes", "min_absence_seconds", "inertia"),
      RuleKind.ACTIVITY, Set.of("classes", "window_seconds", "sigma", "min_score"));

  private final ClassNames classNames;

  public RuleParser(ClassNames classNames) {
    this.classNames = classNames;
  }

  /** The rules used when a camera configures none: one {@code activity} rule. */
  public static List<Rule> defaults() {
    return List.of(Rule.Activity.defaults());
  }

  /** The rules of {@code config}, or {@link #defaults()} when it is {@code null} or empty. */
  public List<Rule> parse(List<?> config) {
    if (config == null || config.isEmpty()) {
      return defaults();
    }
    List<Rule> rules = new ArrayList<>(config.size());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < config.size(); i++) {
      Rule rule = parseOne(i, config.get(i));
      if (!names.add(rule.name())) {
        throw new InvalidInputException("rules[" + i + "] (" + rule.name()
            + "): name: expected a unique rule name, but an earlier rule already uses it");
      }
      rules.add(rule);
    }
    return List.copyOf(rules);
  }

  private Rule parseOne(int index, Object item) {
    if (!(item instanceof Map<?, ?> raw)) {
      throw new InvalidInputException("rules[" + index + "]: expected a mapping with type and name, got "
          + describe(item));
    }
    Object nameValue = raw.get("name");
    String label = nameValue instanceof String s && !s.isBlank() ? s : null;
    Entry e = new Entry(index, label, raw);
    if (label == null) {
      throw e.error("name", "expected a non-empty string", nameValue);
    }
    RuleKind kind = e.kind();
    for (Object key : raw.keySet()) {
      if (!(key instanceof String k) || !(COMMON.contains(k) || KEYS.get(kind).contains(k))) {
        List<String> allowed = new ArrayList<>(COMMON);
        allowed.addAll(KEYS.get(kind));
        allowed.sort(null);
        String suggestion = ClosestMatch.didYouMean(String.valueOf(key), allowed);
        throw new InvalidInputException(e.prefix() + String.valueOf(key) + ": unknown key for a "
            + kind.key() + " rule;" + suggestion + " expected one of " + String.join(", ", allowed));
      }
    }
    Padding padding = e.padding(kind == RuleKind.APPEARANCE ? Padding.NONE : Padding.AROUND_MOMENT);
    Severity severity = e.severity(kind);
    return switch (kind) {
      case ZONE -> new Rule.Zone(label, e.polygon(), e.classes(false), e.inertia(), padding, severity);
      case LOITERING -> new Rule.Loitering(label, e.polygon(), e.classes(false),
          e.seconds("min_seconds", null, true), e.inertia(), padding, severity);
      case LINE -> {
        NormalizedPoint[] ab = e.linePoints();
        yield new Rule.Line(label, ab[0], ab[1], e.direction(), e.classes(false), e.inertia(),
            padding, severity);
      }
      case CROWD -> new Rule.Crowd(label, e.polygon(), e.classes(false), e.minCount(),
          e.seconds("min_seconds", null, false), e.inertia(), padding, severity);
      case APPEARANCE -> new Rule.Appearance(label, e.classes(true),
          e.seconds("min_absence_seconds", DEFAULT_MIN_ABSENCE_SECONDS, true), e.inertia(), padding, severity);
      case ACTIVITY -> new Rule.Activity(label, e.classes(false),
          e.seconds("window_seconds", Rule.Activity.DEFAULT_WINDOW_SECONDS, true),
          e.positive("sigma", Rule.Activity.DEFAULT_SIGMA),
          e.seconds("min_score", Rule.Activity.DEFAULT_MIN_SCORE, false), padding, severity);
    };
  }

  private static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(v);
  }

  /** One rule's map, with the context for error messages. */
  private final class Entry {
    private final int index;
    private final String name;
    private final Map<?, ?> raw;

    Entry(int index, String name, Map<?, ?> raw) {
      this.index = index;
      this.name = name;
      this.raw = raw;
    }

    String prefix() {
      return "rules[" + index + "]" + (name == null ? "" : " (" + name + ")") + ": ";
    }

    InvalidInputException error(String key, String expected, Object got) {
      return new InvalidInputException(prefix() + key + ": " + expected + ", got " + describe(got));
    }

    /** {@link #error}, plus "did you mean ...?" when {@code got} is a near miss of an accepted word. */
    InvalidInputException error(String key, String expected, Object got, List<String> accepted) {
      String suggestion = got instanceof String s ? ClosestMatch.didYouMean(s.trim(), accepted) : "";
      return new InvalidInputException(prefix() + key + ": " + expected + ", got " + describe(got)
          + (suggestion.isEmpty() ? "" : ";" + suggestion));
    }

    RuleKind kind() {
      Object v = raw.get("type");
      if (v instanceof String s) {
        for (RuleKind k : RuleKind.values()) {
          if (k.key().equals(s.trim().toLowerCase(Locale.ROOT))) {
            return k;
          }
        }
      }
      List<String> kinds = Arrays.stream(RuleKind.values()).map(RuleKind::key).toList();
      throw error("type", "expected one of " + kinds, v, kinds);
    }

    Severity severity(RuleKind kind) {
      Object v = raw.get("severity");
      if (v == null) {
        return Severity.defaultFor(kind);
      }
      if (v instanceof String str) {
        for (Severity sev : Severity.values()) {
          if (sev.key().equals(str.trim().toLowerCase(Locale.ROOT))) {
            return sev;
          }
        }
      }
      List<String> severities = Arrays.stream(Severity.values()).map(Severity::key).toList();
      throw error("severity", "expected one of " + severities, v, severities);
    }

    Padding padding(Padding fallback) {
      double pre = seconds("pre_roll_seconds", fallback.preRollSeconds(), false);
      double post = seconds("post_roll_seconds", fallback.postRollSeconds(), false);
      return new Padding(pre, post);
    }

    /**
     * A duration in seconds (or, for {@code min_score}, a plain number); {@code fallback == null}
     * makes the key required.
     */
    double seconds(String key, Double fallback, boolean strictlyPositive) {
      String expected = (key.endsWith("seconds") ? "seconds " : "a number ")
          + (strictlyPositive ? "> 0" : ">= 0");
      Object v = raw.get(key);
      if (v == null) {
        if (fallback == null) {
          throw error(key, "required; expected " + expected, null);
        }
        return fallback;
      }
      double d = number(key, v, expected);
      if (!Double.isFinite(d) || d < 0 || (strictlyPositive && d == 0)) {
        throw error(key, "expected " + expected, v);
      }
      return d;
    }

    double positive(String key, double fallback) {
      Object v = raw.get(key);
      if (v == null) {
        return fallback;
      }
      double d = number(key, v, "a number > 0");
      if (!(d > 0 && Double.isFinite(d))) {
        throw error(key, "expected a number > 0", v);
      }
      return d;
    }

    private double number(String key, Object v, String expected) {
      if (v instanceof Number n) {
        return n.doubleValue();
      }
      throw error(key, "expected " + expected, v);
    }

    int inertia() {
      return integer("inertia", Rule.DEFAULT_INERTIA, "a frame count >= 1");
    }

    int minCount() {
      if (raw.get("min_count") == null) {
        throw error("min_count", "required; expected a track count >= 1", null);
      }
      return integer("min_count", 1, "a track count >= 1");
    }

    private int integer(String key, int fallback, String expected) {
      Object v = raw.get(key);
      if (v == null) {
        return fallback;
      }
      if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 1
          && ((Number) v).longValue() <= Integer.MAX_VALUE) {
        return ((Number) v).intValue();
      }
      throw error(key, "expected " + expected, v);
    }

    LineDirection direction() {
      Object v = raw.get("direction");
      if (v == null) {
        return LineDirection.BOTH;
      }
      if (v instanceof String s) {
        for (LineDirection d : LineDirection.values()) {
          if (d.name().equalsIgnoreCase(s.trim())) {
            return d;
          }
        }
      }
      throw error("direction", "expected one of in, out, both", v, List.of("in", "out", "both"));
    }

    ClassFilter classes(boolean required) {
      Object v = raw.get("classes");
      if (v == null) {
        if (required) {
          throw error("classes", "required; expected a list of class names such as [person]", null);
        }
        return ClassFilter.ALL;
      }
      List<?> list = v instanceof String s ? List.of(s) : v instanceof List<?> l ? l : null;
      if (list == null || list.isEmpty()) {
        throw error("classes", "expected a non-empty list of class names", v);
      }
      Set<Integer> ids = new LinkedHashSet<>();
      for (Object o : list) {
        if (!(o instanceof String s)) {
          throw error("classes", "expected class names (strings)", v);
        }
        try {
          ids.add(classNames.idOf(s));
        } catch (IllegalArgumentException ex) {
          throw new InvalidInputException(prefix() + "classes: " + ex.getMessage(), ex);
        }
      }
      return ClassFilter.of(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    Polygon polygon() {
      Object v = raw.get("polygon");
      List<NormalizedPoint> pts = points("polygon", v,
          "expected a list of at least 3 points [x, y] in 0..1");
      String problem = Polygon.problem(pts);
      if (problem != null) {
        throw new InvalidInputException(prefix() + "polygon: " + problem
            + "; expected a simple polygon of at least 3 points in 0..1, got " + describe(v));
      }
      return new Polygon(pts);
    }

    NormalizedPoint[] linePoints() {
      Object v = raw.get("points");
      String expected = "expected two points [x, y] in 0..1";
      List<NormalizedPoint> pts = points("points", v, expected);
      if (pts.size() != 2 || !pts.get(0).inUnitSquare() || !pts.get(1).inUnitSquare()) {
        throw error("points", expected, v);
      }
      if (pts.get(0).equals(pts.get(1))) {
        throw error("points", "expected two distinct points (a line of non-zero length)", v);
      }
      return new NormalizedPoint[] {pts.get(0), pts.get(1)};
    }

    private List<NormalizedPoint> points(String key, Object v, String expected) {
      if (!(v instanceof List<?> list)) {
        throw error(key, v == null ? "required; " + expected : expected, v);
      }
      List<NormalizedPoint> pts = new ArrayList<>(list.size());
      for (Object p : list) {
        if (!(p instanceof List<?> xy) || xy.size() != 2 || !(xy.get(0) instanceof Number x)
            || !(xy.get(1) instanceof Number y) || !Double.isFinite(x.doubleValue())
            || !Double.isFinite(y.doubleValue())) {
          throw error(key, expected, v);
        }
        pts.add(new NormalizedPoint(x.doubleValue(), y.doubleValue()));
      }
      return pts;
    }
  }
}
