package dev.tracklight.operators.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracklight.operators.stream.ReplayStageTimes.Stage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayStageTimesTest {

  @Test
  void accumulatesPerCameraAndStageAndForgetsWhenTaken() {
    ReplayStageTimes.add("cam-a", Stage.DECODE, 1_500_000);
    ReplayStageTimes.add("cam-a", Stage.DECODE, 2_000_000);
    ReplayStageTimes.add("cam-a", Stage.ENCODE, 250_000);
    ReplayStageTimes.add("cam-b", Stage.DECODE, 9_000_000);

    Map<String, Double> a = ReplayStageTimes.takeMillis("cam-a");
    assertEquals(List.of("decode", "track", "annotate", "encode", "write"), List.copyOf(a.keySet()));
    assertEquals(3.5, a.get("decode"));
    assertEquals(0.3, a.get("encode")); // 0.25 ms rounds to 0.1 ms resolution
    assertEquals(0.0, a.get("track"));
    assertEquals(0.0, ReplayStageTimes.takeMillis("cam-a").get("decode"), "taken once");
    assertEquals(9.0, ReplayStageTimes.takeMillis("cam-b").get("decode"), "cameras are separate");
  }

  @Test
  void resetDropsAnEarlierAttempt() {
    ReplayStageTimes.add("cam-c", Stage.WRITE, 5_000_000);
    ReplayStageTimes.reset("cam-c");
    ReplayStageTimes.add("cam-c", Stage.WRITE, 1_000_000);
    assertEquals(1.0, ReplayStageTimes.takeMillis("cam-c").get("write"));
  }
}
