package dev.tracklight.connectors.sink;

import java.util.Map;

/**
 * How far one video's outputs had got at a checkpoint: enough to cut the staged files back to that
 * point after a failure, so a restored job writes every frame exactly once.
 *
 * @param cameraId the video's id
 * @param frames frames written
 * @param tracksJsonBytes staged length of {@code tracks.jsonl}
 * @param tracksMotBytes staged length of {@code tracks.mot.txt}
 * @param segments annotated-video segments completed (each checkpoint closes one)
 * @param classOfTrack the class of each track id as last reported (the track's class, decided
 *     over its life; for the summary)
 * @param startedEpochMs when the video's first frame was written (wall time, for the summary)
 */
public record ReplayProgressState(String cameraId, long frames, long tracksJsonBytes,
    long tracksMotBytes, int segments, Map<Integer, Integer> classOfTrack, long startedEpochMs) {

  public ReplayProgressState {
    classOfTrack = Map.copyOf(classOfTrack);
  }
}
