package dev.tracklight.inference.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracklight.inference.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchingConfigTest {

  private static final BatchingConfig DEFAULTS = BatchingConfig.defaults();

  private static String rejection(Runnable construct) {
    return assertThrows(InvalidInputException.class, construct::run).getMessage();
  }

  @Test
  void defaultsAreTheDocumentedValues() {
    assertEquals(new BatchingConfig(8, Duration.ofMillis(10), 64, Duration.ofSeconds(1),
        Duration.ofSeconds(2)), DEFAULTS);
    assertEquals(DEFAULTS, DEFAULTS.requireFits(8));
  }

  @Test
  void rejectsOutOfRangeValuesWithOneLineMessages() {
    assertEquals("batching max batch must be in 1..1024, got 0",
        rejection(() -> DEFAULTS.withMaxBatch(0)));
    assertEquals("queue capacity must be at least the max batch (8) so a full batch can queue"
        + " while another runs, got 4", rejection(() -> DEFAULTS.withQueueCapacity(4)));
    assertEquals("max delay must not be negative, got PT-0.001S",
        rejection(() -> DEFAULTS.withMaxDelay(Duration.ofMillis(-1))));
    assertEquals("no submit timeout given; expected a duration of zero or more",
        rejection(() -> DEFAULTS.withSubmitTimeout(null)));
    assertEquals("request timeout (10 ms) must be longer than the max batching delay (10 ms)",
        rejection(() -> DEFAULTS.withRequestTimeout(Duration.ofMillis(10))));
    assertEquals("batching durations must be at most one day, got PT48H",
        rejection(() -> DEFAULTS.withSubmitTimeout(Duration.ofDays(2))));
  }

  @Test
  void zeroDelayAndZeroSubmitTimeoutAreAllowed() {
    BatchingConfig eager = DEFAULTS.withMaxDelay(Duration.ZERO).withSubmitTimeout(Duration.ZERO);
    assertEquals(Duration.ZERO, eager.maxDelay());
    assertEquals(Duration.ZERO, eager.submitTimeout());
  }

  @Test
  void maxBatchMustFitTheDetector() {
    assertEquals("batching max batch 8 exceeds the detector's max batch 4; expected at most 4",
        rejection(() -> DEFAULTS.requireFits(4)));
  }
}
