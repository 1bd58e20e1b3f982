package dev.tracklight.connectors.media;

import dev.tracklight.inference.InvalidInputException;
import java.io.Serializable;

/**
 * What {@link HighlightMedia} writes besides the clips and thumbnails.
 *
 * @param reelSeconds the reel's length budget in seconds: the best highlights' clips that fit, in
 *     time order; 0 writes no reel
 * @param thumbnailQuality JPEG quality of the thumbnails, 1..100
 */
public record HighlightMediaOptions(double reelSeconds, int thumbnailQuality) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One minute: a summary one watches in full, as NVR and sports "recap" reels typically are. */
  public static final double DEFAULT_REEL_SECONDS = 60;

  /**
   * A day. Longer than any archive a replay processes in one go; the bound keeps the budget in
   * milliseconds far from overflow and catches milliseconds passed as seconds.
   */
  public static final double MAX_REEL_SECONDS = 86_400;

  /**
   * Thumbnails are at most 320 px wide ({@link Thumbnails}), where each pixel carries the detail of
   * 16 of a 720p frame: at 90 annotation lines and labels stay crisp for about 15 kB.
   */
  public static final int DEFAULT_THUMBNAIL_QUALITY = 90;

  public HighlightMediaOptions {
    if (!(reelSeconds >= 0 && reelSeconds <= MAX_REEL_SECONDS)) {
      throw new InvalidInputException("reel length must be in [0, " + (long) MAX_REEL_SECONDS
          + "] seconds (0 = no reel), got " + reelSeconds);
    }
    if (thumbnailQuality < 1 || thumbnailQuality > 100) {
      throw new InvalidInputException("thumbnail JPEG quality must be in 1..100, got " + thumbnailQuality);
    }
  }

  /** A 60 s reel, quality 90 thumbnails. */
  public static HighlightMediaOptions defaults() {
    return new HighlightMediaOptions(DEFAULT_REEL_SECONDS, DEFAULT_THUMBNAIL_QUALITY);
  }

  public HighlightMediaOptions withReelSeconds(double seconds) {
    return new HighlightMediaOptions(seconds, thumbnailQuality);
  }

  /** The reel budget in milliseconds (0: no reel). */
  public long reelBudgetMs() {
    return Math.round(reelSeconds * 1000);
  }
}
