package dev.tracklight.operators.highlights;

import java.util.Objects;

/**
 * A highlight / alert rule, as parsed by {@link RuleParser}. Geometry is in normalised image
 * coordinates ({@code 0..1}); a track's position is the bottom-centre of its box (where it stands);
 * {@code inertia} is the number of consecutive frames a new state (inside / outside, side of a line,
 * present) must hold before it counts, which suppresses detector and tracker jitter. Records are
 * validated by the parser, which knows the rule's index and key for the error message; the compact
 * constructors only guard invariants the engine relies on.
 */
public sealed interface Rule extends java.io.Serializable {

  /** Default {@code inertia}: two frames (0.5 s at 4 fps) absorb single-frame box jitter. */
  int DEFAULT_INERTIA = 2;

  String name();

  RuleKind kind();

  /** Context added around this rule's moments in highlights. */
  Padding padding();

  /** How urgent this rule's alerts are. */
  Severity severity();

  /** Entry / exit events and occupancy of a zone. */
  record Zone(String name, Polygon polygon, ClassFilter classes, int inertia, Padding padding, Severity severity)
      implements Rule {
    public Zone {
      check(name, inertia, padding);
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(polygon, "polygon");
      Objects.requireNonNull(classes, "classes");
    }

    /** With the kind's default {@link Severity}. */
    public Zone(String name, Polygon polygon, ClassFilter classes, int inertia, Padding padding) {
      this(name, polygon, classes, inertia, padding, Severity.defaultFor(RuleKind.ZONE));
    }

    @Override
    public RuleKind kind() {
      return RuleKind.ZONE;
    }
  }

  /** A track that stays in a zone for more than {@code minSeconds}. */
  record Loitering(String name, Polygon polygon, ClassFilter classes, double minSeconds,
      int inertia, Padding padding, Severity severity) implements Rule {
    public Loitering {
      check(name, inertia, padding);
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(polygon, "polygon");
      Objects.requireNonNull(classes, "classes");
      requirePositive(minSeconds, "minSeconds");
    }

    /** With the kind's default {@link Severity}. */
    public Loitering(String name, Polygon polygon, ClassFilter classes, double minSeconds, int inertia, Padding padding) {
      this(name, polygon, classes, minSeconds, inertia, padding, Severity.defaultFor(RuleKind.LOITERING));
    }

    @Override
    public RuleKind kind() {
      return RuleKind.LOITERING;
    }
  }

  /** Crossings of the segment {@code a -> b}, counted per class and direction. */
  record Line(String name, NormalizedPoint a, NormalizedPoint b, LineDirection direction,
      ClassFilter classes, int inertia, Padding padding, Severity severity) implements Rule {
    public Line {
      check(name, inertia, padding);
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(classes, "classes");
      if (a.equals(b)) {
        throw new IllegalArgumentException("line " + name + " has zero length");
      }
    }

    /** With the kind's default {@link Severity}. */
    public Line(String name, NormalizedPoint a, NormalizedPoint b, LineDirection direction, ClassFilter classes, int inertia, Padding padding) {
      this(name, a, b, direction, classes, inertia, padding, Severity.defaultFor(RuleKind.LINE));
    }

    @Override
    public RuleKind kind() {
      return RuleKind.LINE;
    }
  }

  /** At least {@code minCount} tracks inside a zone for at least {@code minSeconds}. */
  record Crowd(String name, Polygon polygon, ClassFilter classes, int minCount, double minSeconds,
      int inertia, Padding padding, Severity severity) implements Rule {
    public Crowd {
      check(name, inertia, padding);
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(polygon, "polygon");
      Objects.requireNonNull(classes, "classes");
      if (minCount < 1) {
        throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
      }
      requireNonNegative(minSeconds, "minSeconds");
    }

    /** With the kind's default {@link Severity}. */
    public Crowd(String name, Polygon polygon, ClassFilter classes, int minCount, double minSeconds, int inertia, Padding padding) {
      this(name, polygon, classes, minCount, minSeconds, inertia, padding, Severity.defaultFor(RuleKind.CROWD));
    }

    @Override
    public RuleKind kind() {
      return RuleKind.CROWD;
    }
  }

  /**
   * An object of a watched class appears after the class has been absent for at least
   * {@code minAbsenceSeconds}; its span lasts until the class has been absent that long again.
   */
  record Appearance(String name, ClassFilter classes, double minAbsenceSeconds, int inertia,
      Padding padding, Severity severity) implements Rule {
    public Appearance {
      check(name, inertia, padding);
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(classes, "classes");
      requirePositive(minAbsenceSeconds, "minAbsenceSeconds");
    }

    /** With the kind's default {@link Severity}. */
    public Appearance(String name, ClassFilter classes, double minAbsenceSeconds, int inertia, Padding padding) {
      this(name, classes, minAbsenceSeconds, inertia, padding, Severity.defaultFor(RuleKind.APPEARANCE));
    }

    @Override
    public RuleKind kind() {
      return RuleKind.APPEARANCE;
    }
  }

  /**
   * Per-camera activity from track motion and count; a frame whose score exceeds
   * {@code mean + sigma * std} of the previous {@code windowSeconds} (and {@code minScore}) starts a
   * peak. See {@code ActivityEvaluator} for the score.
   */
  record Activity(String name, ClassFilter classes, double windowSeconds, double sigma,
      double minScore, Padding padding, Severity severity) implements Rule {
    /** Rolling window: half a minute adapts to a scene's rhythm without forgetting a quiet spell. */
    public static final double DEFAULT_WINDOW_SECONDS = 30.0;
    /** Two standard deviations: roughly the top 2-3 % of a stationary score distribution. */
    public static final double DEFAULT_SIGMA = 2.0;
    /**
     * Floor under the threshold: a still scene has std ~ 0, and without a floor one person
     * shuffling (score ~ 0.1) would be a peak. 0.5 ~ two people walking across a quarter frame/s.
     */
    public static final double DEFAULT_MIN_SCORE = 0.5;

    public Activity {
      check(name, 1, padding);
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(classes, "classes");
      requirePositive(windowSeconds, "windowSeconds");
      requirePositive(sigma, "sigma");
      requireNonNegative(minScore, "minScore");
    }

    /** With the kind's default {@link Severity}. */
    public Activity(String name, ClassFilter classes, double windowSeconds, double sigma, double minScore, Padding padding) {
      this(name, classes, windowSeconds, sigma, minScore, padding, Severity.defaultFor(RuleKind.ACTIVITY));
    }

    /** The rule used when a camera has no rules configured. */
    public static Activity defaults() {
      return new Activity("activity", ClassFilter.ALL, DEFAULT_WINDOW_SECONDS, DEFAULT_SIGMA,
          DEFAULT_MIN_SCORE, Padding.AROUND_MOMENT);
    }

    @Override
    public RuleKind kind() {
      return RuleKind.ACTIVITY;
    }
  }

  private static void check(String name, int inertia, Padding padding) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a rule needs a non-blank name");
    }
    if (inertia < 1) {
      throw new IllegalArgumentException("inertia must be >= 1 frame, got " + inertia);
    }
    Objects.requireNonNull(padding, "padding");
  }

  private static void requirePositive(double v, String what) {
    if (!(v > 0 && Double.isFinite(v))) {
      throw new IllegalArgumentException(what + " must be finite and > 0, got " + v);
    }
  }

  private static void requireNonNegative(double v, String what) {
    if (!(v >= 0 && Double.isFinite(v))) {
      throw new IllegalArgumentException(what + " must be finite and >= 0, got " + v);
    }
  }
}
