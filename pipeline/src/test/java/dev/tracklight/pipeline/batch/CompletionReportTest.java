package dev.tracklight.pipeline.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which completion report a worker sends: options over the job definition's environment, one kind. */
class CompletionReportTest {

  static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/done";
  static final String BUS = "arn:aws:events:us-east-1:123456789012:event-bus/tl";

  @Test
  void theEnvironmentChoosesWhenNoOptionIsGiven() {
    assertEquals(new CompletionReport.Sqs(QUEUE), CompletionReport.resolve(null, null, Map.of(CompletionReport.QUEUE_ENV, QUEUE)));
    assertEquals(new CompletionReport.EventBridge(BUS), CompletionReport.resolve(null, null, Map.of(CompletionReport.BUS_ENV, BUS)));
    assertEquals(new CompletionReport.None(), CompletionReport.resolve(null, " ", Map.of(CompletionReport.QUEUE_ENV, "")));
  }

  @Test
  void anOptionOfEitherKindOverridesTheEnvironment() {
    assertEquals(new CompletionReport.EventBridge("tl"),
        CompletionReport.resolve(null, "tl", Map.of(CompletionReport.QUEUE_ENV, QUEUE)));
    assertEquals(new CompletionReport.Sqs(QUEUE),
        CompletionReport.resolve(QUEUE, null, Map.of(CompletionReport.BUS_ENV, BUS)));
  }

  @Test
  void aQueueAndABusAtTheSameLevelAreRefused() {
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> CompletionReport.resolve(null, null,
        Map.of(CompletionReport.QUEUE_ENV, QUEUE, CompletionReport.BUS_ENV, BUS)));
    assertTrue(e.getMessage().contains("expected one"), e.getMessage());
    assertThrows(InvalidInputException.class, () -> CompletionReport.resolve(QUEUE, BUS, Map.of()));
  }
}
