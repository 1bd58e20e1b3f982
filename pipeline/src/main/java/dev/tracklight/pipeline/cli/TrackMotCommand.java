package dev.tracklight.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracklight.inference.Detections;
import dev.tracklight.inference.InvalidInputException;
import dev.tracklight.operators.mot.MotDetectionFile;
import dev.tracklight.operators.mot.MotResultWriter;
import dev.tracklight.operators.mot.MotSequenceInfo;
import dev.tracklight.operators.mot.MotSequenceRunner;
import dev.tracklight.operators.tracking.ByteTrackConfig;
import dev.tracklight.operators.tracking.TrackerAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracklight track-mot}: ByteTrack over a MOTChallenge sequence's detections. */
@Command(name = "track-mot", mixinStandardHelpOptions = true,
    description = {"Track a MOTChallenge sequence with ByteTrack and write MOT results.",
        "Frames without detections are skipped like the original evaluation; the frame rate "
            + "comes from seqinfo.ini. Prints a JSON summary."})
final class TrackMotCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SEQ_DIR",
      description = "Sequence directory with seqinfo.ini and det/.")
  Path seqDir;

  @Option(names = "--dets", paramLabel = "FILE",
      description = "Detections in MOT format (default: det/det_norm.txt if present, else "
          + "det/det.txt).")
  Path dets;

  @Option(names = "--out", required = true, paramLabel = "RESULT.txt",
      description = "Result file to write (frame,id,x,y,w,h,1,-1,-1,-1).")
  Path out;

  @Option(names = "--track-thresh", paramLabel = "SCORE", defaultValue = "0.5",
      description = "High-score threshold of the first association (default: ${DEFAULT-VALUE}).")
  double trackThresh;

  @Option(names = "--low-thresh", paramLabel = "SCORE", defaultValue = "0.1",
      description = "Lower bound of the second, low-score association (default: ${DEFAULT-VALUE}).")
  double lowThresh;

  @Option(names = "--new-track-thresh", paramLabel = "SCORE",
      description = "Minimum score to start a track (default: track-thresh + 0.1).")
  Double newTrackThresh;

  @Option(names = "--algorithm", defaultValue = "oc-bytetrack", paramLabel = "NAME",
      description = "bytetrack (the original, exactly) or oc-bytetrack (with OC-SORT's "
          + "observation-centric re-update and recovery) (default: ${DEFAULT-VALUE}).")
  String algorithm;

  @Option(names = "--track-buffer", paramLabel = "FRAMES",
      description = "Frames at 30 fps a lost track is kept (default: 30 for bytetrack, 90 (3 s) for "
          + "oc-bytetrack).")
  Integer trackBuffer;

  @Option(names = "--match-thresh", paramLabel = "COST", defaultValue = "0.8",
      description = "Cost limit of the first association (default: ${DEFAULT-VALUE}).")
  double matchThresh;

  @Option(names = "--frame-rate", paramLabel = "FPS", description = "Override seqinfo.ini's frameRate.")
  Double frameRate;

  @Option(names = "--mot20", description = "Plain IoU cost instead of fusing the detection score.")
  boolean mot20;

  @Option(names = "--min-box-area", paramLabel = "PX2", defaultValue = "10",
      description = "Output filter: drop boxes with w*h <= this (default: ${DEFAULT-VALUE}).")
  double minBoxArea;

  @Option(names = "--max-aspect-ratio", paramLabel = "RATIO", defaultValue = "1.6",
      description = "Output filter: drop boxes with w/h > this (default: ${DEFAULT-VALUE}).")
  double maxAspectRatio;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(seqDir)) {
      throw new InvalidInputException("sequence directory not found: " + seqDir
          + " (expected a MOTChallenge sequence with seqinfo.ini and det/)");
    }
    MotSequenceInfo info = MotSequenceInfo.read(seqDir.resolve("seqinfo.ini"));
    Path detFile = dets != null ? dets : defaultDetections(seqDir);
    TrackerAlgorithm algo = TrackerAlgorithm.parse(algorithm);
    int buffer = trackBuffer != null ? trackBuffer
        : algo == TrackerAlgorithm.BYTETRACK ? ByteTrackConfig.DEFAULT_TRACK_BUFFER
            : ByteTrackConfig.recommended().trackBuffer();
    ByteTrackConfig cfg = new ByteTrackConfig(trackThresh, lowThresh,
        newTrackThresh != null ? newTrackThresh : trackThresh + ByteTrackConfig.NEW_TRACK_MARGIN,
        buffer, matchThresh, frameRate != null ? frameRate : info.frameRate(), mot20, false, algo);
    MotResultWriter.BoxFilter filter = new MotResultWriter.BoxFilter(minBoxArea, maxAspectRatio);
    MotDetectionFile detections = MotDetectionFile.read(detFile);
    Detections[] tracks = MotSequenceRunner.run(detections, cfg, info.seqLength());
    int rows = MotResultWriter.write(out, tracks, filter);
    Set<Integer> ids = new HashSet<>();
    for (Detections d : tracks) {
      for (int id : d.trackIds()) {
        ids.add(id);
      }
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("sequence", info.name());
    summary.put("detections", detFile.toString());
    summary.put("frames", tracks.length - 1);
    summary.put("tracks", ids.size());
    summary.put("rows", rows);
    summary.put("out", out.toString());
    spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(summary));
    return 0;
  }

  static Path defaultDetections(Path seqDir) {
    Path norm = seqDir.resolve("det/det_norm.txt");
    return Files.isRegularFile(norm) ? norm : seqDir.resolve("det/det.txt");
  }
}
