package dev.tracklight.operators.annotation;

/**
 * Deterministic colours: a track keeps its colour in every frame, on every machine and after a
 * restart, because the colour is a pure function of the id. Untracked detections are coloured by
 * class so that one class looks the same everywhere.
 *
 * <p>Colours are packed {@code 0xRRGGBB}. Ids are spread over the palette by a 32-bit integer mix
 * (the MurmurHash3 finaliser) rather than {@code id % n}: trackers hand out consecutive ids, and
 * neighbours in time (often neighbours in space) should not get neighbouring palette entries.
 */
public final class TrackColors {

  /**
   * 20 hues that stay distinct from each other and readable with black or white text on video
   * (Tableau/Kelly-style qualitative palette, no greys that vanish on concrete floors).
   */
  private static final int[] PALETTE = {
      0xE6194B, 0x3CB44B, 0xFFE119, 0x4363D8, 0xF58231, 0x911EB4, 0x42D4F4, 0xF032E6,
      0xBFEF45, 0xFABED4, 0x469990, 0xDCBEFF, 0x9A6324, 0xFFFAC8, 0x800000, 0xAAFFC3,
      0x808000, 0xFFD8B1, 0x000075, 0x00A3FF};

  private TrackColors() {}

  /** The colour of track {@code trackId}. */
  public static int forTrack(int trackId) {
    return PALETTE[Integer.remainderUnsigned(mix(trackId), PALETTE.length)];
  }

  /** The colour of untracked detections of class {@code classId}. */
  public static int forClass(int classId) {
    // A different seed from tracks, so class 3 and track 3 need not share a colour.
    return PALETTE[Integer.remainderUnsigned(mix(classId ^ 0x5BD1E995), PALETTE.length)];
  }

  /** Black or white, whichever reads better on {@code rgb} (ITU-R BT.601 luma). */
  public static int textColorOn(int rgb) {
    int r = (rgb >> 16) & 0xFF;
    int g = (rgb >> 8) & 0xFF;
    int b = rgb & 0xFF;
    return 299 * r + 587 * g + 114 * b > 140_000 ? 0x000000 : 0xFFFFFF;
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h;
  }
}
