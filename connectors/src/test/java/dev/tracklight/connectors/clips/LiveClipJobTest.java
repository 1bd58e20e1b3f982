package dev.tracklight.connectors.clips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.connectors.source.VideoFileSource;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.connectors.video.FrameSampling;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.alerts.Alert;
import dev.tracklight.operators.annotation.AnnotationStyle;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.Severity;
import dev.tracklight.operators.stream.CameraFrame;
import dev.tracklight.operators.stream.FrameDetections;
import dev.tracklight.operators.stream.FrameRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clip function in a Flink job on a MiniCluster: real frames decoded by the video source at
 * 5 fps, a highlight closing at 9 s (as the rule operator would attach it), the alert collected
 * from the side output, and the clip and thumbnail on disk when the job ends.
 */
class LiveClipJobTest {

  private static final int MAX_PARALLELISM = 128;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

  @TempDir
  Path dir;

  /** Stands in for the rule operator: the frame at 9 s closes the highlight [2 s, 8 s]. */
  static final class CloseHighlightAt9s implements MapFunction<CameraFrame, FrameDetections> {
    @Override
    public FrameDetections map(CameraFrame f) {
      FrameDetections d = FrameDetections.of(f, ClipFrames.twoPersons(f.frameIndex(), f.image()));
      if (f.timestampMs() != 9000) {
        return d;
      }
      Highlight h = ClipFrames.highlight("hall", 2000, 8000, 125, "door");
      return d.withRules(new FrameRules(List.of(), List.of(h)));
    }
  }

  @Test
  void aHighlightInTheStreamBecomesAClipAThumbnailAndOneAlert() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    env.setMaxParallelism(MAX_PARALLELISM);
    env.getConfig().enableObjectReuse();
    String video = TestAssets.file(LiveFrames.VIDEO).toString();
    SingleOutputStreamOperator<FrameDetections> frames = env
        .fromSource(new VideoFileSource(Map.of("hall", video),
                VideoReadOptions.defaults().withSampling(FrameSampling.targetFps(5)), MAX_PARALLELISM),
            WatermarkStrategy.noWatermarks(), "video")
        .map(new CloseHighlightAt9s()).returns(FrameDetections.typeInfo())
        .process(new LiveClipFunction(ClipLayout.at(dir), LiveClipConfig.defaults(),
            ClassNames.COCO.names(), AnnotationStyle.defaults(),
            HighlightSeverity.byRule(Map.of("door", Severity.CRITICAL)), Clock.systemUTC()))
        .returns(FrameDetections.typeInfo())
        .name("clips");
    frames.sinkTo(new DiscardingSink<>());
    List<Alert> alerts;
    try (CloseableIterator<Alert> it = frames.getSideOutput(LiveClipFunction.ALERTS).executeAndCollect()) {
      alerts = new java.util.ArrayList<>();
      it.forEachRemaining(alerts::add);
    }

    assertEquals(1, alerts.size(), alerts.toString());
    Alert a = alerts.get(0);
    Path clip = ClipLayout.at(dir).clip("hall", "hall-2000-8000");
    Path thumb = ClipLayout.at(dir).thumbnail("hall", "hall-2000-8000");
    assertEquals(clip.toUri().toString(), a.clipUri());
    assertEquals(thumb.toUri().toString(), a.thumbnailUri());
    assertEquals(Severity.CRITICAL, a.severity());
    assertEquals(2000, a.startMs());
    assertEquals(8000, a.eventTimeMs());
    assertEquals(125, a.frame());
    // A 320 px thumbnail of the 720p frame: a few kB, not the frame's 100+ kB.
    assertTrue(Files.size(thumb) > 3_000 && Files.size(thumb) < 40_000, "thumbnail " + Files.size(thumb) + " B");
    try (VideoReader reader = VideoReader.open(clip, VideoReadOptions.defaults())) {
      assertEquals("h264", reader.info().codec());
      assertEquals(5.0, reader.info().fps(), 1e-9);
      int n = 0;
      while (reader.next().isPresent()) {
        n++;
      }
      assertEquals(30, n, 1, "6 s at 5 fps");
    }
  }
}
