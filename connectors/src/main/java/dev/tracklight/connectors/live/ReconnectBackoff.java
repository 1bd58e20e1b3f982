package dev.tracklight.connectors.live;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with jitter between reconnection attempts: attempt {@code n} (from 1) waits
 * {@code min(initial * factor^(n-1), max)} scaled by a uniform random factor in
 * {@code [1 - jitter, 1 + jitter)}.
 *
 * <p>The jitter is applied after the cap on purpose: when a switch or an NVR reboots, a whole fleet
 * of cameras drops at once, and un-jittered capped delays would make them all retry in lockstep every
 * {@code max} seconds, hammering the recovering device together.
 *
 * @param initial delay before the first reconnection attempt
 * @param factor growth per failed attempt (>= 1)
 * @param max cap of the un-jittered delay
 * @param jitter relative spread in [0, 1)
 */
public record ReconnectBackoff(Duration initial, double factor, Duration max, double jitter) {

  /**
   * 0.5 s initial: a camera that blips (encoder restart, Wi-Fi roam) is back within a second and we
   * should not lose more; factor 2 reaches the cap in 6 attempts (about 30 s of outage); max 30 s
   * bounds how stale a recovered camera can be while keeping a dead camera's cost to one failed
   * connect (a couple of ms) per 30 s; jitter 20% de-synchronises a fleet within one or two rounds.
   */
  public static ReconnectBackoff defaults() {
    return new ReconnectBackoff(Duration.ofMillis(500), 2.0, Duration.ofSeconds(30), 0.2);
  }

  public ReconnectBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new InvalidInputException("back-off initial delay must be positive, got " + initial);
    }
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new InvalidInputException("back-off factor must be a finite number >= 1, got " + factor);
    }
    if (max.compareTo(initial) < 0) {
      throw new InvalidInputException("back-off max delay must be >= the initial delay " + initial
          + ", got " + max);
    }
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new InvalidInputException("back-off jitter must be in [0, 1), got " + jitter);
    }
  }

  /**
   * How long to wait before attempt {@code attempt}.
   *
   * @param attempt 1 for the first reconnection attempt after a failure
   * @param random source of the jitter (owned by the caller's thread)
   */
  public Duration delayBefore(int attempt, RandomGenerator random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    double maxNanos = max.toNanos();
    // pow overflows to +Infinity for large attempts; min() then yields the cap, as intended
    double base = Math.min(maxNanos, initial.toNanos() * Math.pow(factor, attempt - 1));
    double scale = 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
    return Duration.ofNanos(Math.round(base * scale));
  }
}
