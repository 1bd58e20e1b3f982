package dev.tracklight.connectors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

  /** A "random" source that always returns {@code u}. */
  private static RandomGenerator fixed(double u) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return u;
      }
    };
  }

  @Test
  void withoutJitterDelaysDoubleFromHalfASecondUpToThirtySeconds() {
    ReconnectBackoff b = ReconnectBackoff.defaults();
    RandomGenerator middle = fixed(0.5); // jitter factor exactly 1
    long[] expectedMs = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
    for (int attempt = 1; attempt <= expectedMs.length; attempt++) {
      assertEquals(expectedMs[attempt - 1], b.delayBefore(attempt, middle).toMillis(),
          "attempt " + attempt);
    }
    assertEquals(30_000, b.delayBefore(Integer.MAX_VALUE, middle).toMillis(), "no overflow");
  }

  @Test
  void jitterSpansPlusMinusTwentyPercentAfterTheCap() {
    ReconnectBackoff b = ReconnectBackoff.defaults();
    assertEquals(400, b.delayBefore(1, fixed(0.0)).toMillis());
    assertEquals(24_000, b.delayBefore(10, fixed(0.0)).toMillis());
    assertEquals(36_000, b.delayBefore(10, fixed(1.0)).toMillis());
    SplittableRandom random = new SplittableRandom(42);
    double min = Double.MAX_VALUE;
    double max = 0;
    for (int i = 0; i < 10_000; i++) {
      double ms = b.delayBefore(3, random).toNanos() / 1e6;
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertTrue(min >= 1600 && min < 1620, "min " + min);
    assertTrue(max <= 2400 && max > 2380, "max " + max);
  }

  @Test
  void sameSeedSameDelays() {
    ReconnectBackoff b = ReconnectBackoff.defaults();
    SplittableRandom r1 = new SplittableRandom(7);
    SplittableRandom r2 = new SplittableRandom(7);
    for (int attempt = 1; attempt < 10; attempt++) {
      assertEquals(b.delayBefore(attempt, r1), b.delayBefore(attempt, r2));
    }
  }

  @Test
  void rejectsBadPolicies() {
    Duration s = Duration.ofSeconds(1);
    assertThrows(InvalidInputException.class, () -> new ReconnectBackoff(Duration.ZERO, 2, s, 0));
    assertThrows(InvalidInputException.class, () -> new ReconnectBackoff(s, 0.5, s, 0));
    assertThrows(InvalidInputException.class, () -> new ReconnectBackoff(s, Double.NaN, s, 0));
    assertThrows(InvalidInputException.class,
        () -> new ReconnectBackoff(s, 2, Duration.ofMillis(10), 0));
    assertThrows(InvalidInputException.class, () -> new ReconnectBackoff(s, 2, s, 1.0));
    assertThrows(InvalidInputException.class, () -> new ReconnectBackoff(s, 2, s, -0.1));
    assertThrows(IllegalArgumentException.class,
        () -> ReconnectBackoff.defaults().delayBefore(0, new SplittableRandom()));
  }
}
