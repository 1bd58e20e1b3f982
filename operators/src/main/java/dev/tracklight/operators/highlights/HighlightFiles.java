package dev.tracklight.operators.highlights;

import java.util.Objects;

/**
 * The media written for one highlight, as {@code highlights.json} lists them (paths relative to
 * that file, so the folder can be moved or served as is).
 *
 * @param clip the clip's path, e.g. {@code clips/cam-6300-19500.mp4}
 * @param clipStartS where the clip really starts in the stream (a clip cut by stream copy starts
 *     at the keyframe at or before the highlight, up to one keyframe interval early)
 * @param clipEndS where the clip ends in the stream
 * @param thumbnail the thumbnail's path (the peak frame, annotated), e.g. {@code thumbs/....jpg}
 */
public record HighlightFiles(String clip, double clipStartS, double clipEndS, String thumbnail) {

  public HighlightFiles {
    Objects.requireNonNull(clip, "clip");
    Objects.requireNonNull(thumbnail, "thumbnail");
  }
}
