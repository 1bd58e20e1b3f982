package dev.tracklight.connectors.media;

import dev.tracklight.connectors.video.VideoClipper;
import dev.tracklight.connectors.video.VideoConcat;
import dev.tracklight.connectors.video.VideoReadOptions;
import dev.tracklight.connectors.video.VideoReader;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.HighlightFiles;
import dev.tracklight.operators.highlights.HighlightJsonWriter;
import dev.tracklight.operators.highlights.WebVttChaptersWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.stream.IntStream;

/**
 * Writes the media of one video's highlights into a folder, from the (annotated) video they belong
 * to:
 *
 * <pre>
 *   highlights.json    {"highlights": [...]} best first, each with its clip and thumbnail
 *   highlights.vtt     WebVTT chapters, one cue per highlight, in time order
 *   clips/ID.mp4       each highlight, cut by stream copy ({@link VideoClipper}: starts at the
 *                      keyframe at or before the highlight, up to one keyframe interval early)
 *   thumbs/ID.jpg      each highlight's peak frame, decoded exactly (from the keyframe before it),
 *                      at most {@link Thumbnails#MAX_WIDTH} px wide
 *   reel.mp4           the best highlights' clips that fit {@link HighlightMediaOptions#reelSeconds},
 *                      in time order, joined by stream copy ({@link VideoConcat})
 * </pre>
 *
 * <p><b>Reel.</b> Clips are taken best first while their durations fit the budget (one that does not
 * fit is skipped, a shorter one further down may still fit), then played in time order; no clip
 * fitting means no reel. The reel's duration is the sum of its clips'. Two clips of neighbouring
 * highlights can share up to one keyframe interval of footage (each starts early), which the reel
 * then shows twice.
 *
 * <p><b>Files.</b> {@code ID} is the highlight id with characters other than letters, digits,
 * {@code . _ -} replaced by {@code _} ({@link #fileStem}). Each file is written under a hidden
 * name and renamed when complete; a caller that needs the folder to appear as a whole (the replay
 * sink) writes it into a staging folder and publishes that. With no highlights only the JSON and
 * VTT files are written (an empty list is an answer too).
 *
 * <p>Stateless; the decoders and demuxers it opens are closed before it returns.
 */
public final class HighlightMedia {

  public static final String JSON = "highlights.json";
  public static final String VTT = "highlights.vtt";
  public static final String CLIPS = "clips";
  public static final String THUMBS = "thumbs";
  public static final String REEL = "reel.mp4";

  /** Longest file stem; ids are short, but a file name must stay under the usual 255 bytes. */
  private static final int MAX_STEM = 200;

  /**
   * What was written.
   *
   * @param highlights highlights listed
   * @param clips clips written (one per highlight)
   * @param thumbnails thumbnails written (one per highlight)
   * @param reelIds ids of the highlights in the reel, in reel (time) order; empty: no reel
   * @param reelMs the reel's duration (sum of its clips')
   * @param elapsedMs time spent writing all of it
   */
  public record Result(int highlights, int clips, int thumbnails, List<String> reelIds, long reelMs,
      long elapsedMs) {
    public Result {
      reelIds = List.copyOf(reelIds);
    }
  }

  private HighlightMedia() {}

  /**
   * Writes the media of {@code ranked} (best first) into {@code dir} (created if missing).
   *
   * @param video the video to cut and decode: a replay's annotated video, whose 1 s keyframe
   *     interval bounds how early clips start
   * @param framePosition maps a highlight's {@link Highlight#peakFrame()} (the stream's frame index)
   *     to that frame's position in {@code video}; the identity unless the stream was sampled
   * @param nanoClock time source for {@link Result#elapsedMs()}
   * @throws IllegalArgumentException if two highlights share an id
   */
  public static Result write(Path video, List<Highlight> ranked, LongUnaryOperator framePosition,
      HighlightMediaOptions options, Path dir, LongSupplier nanoClock) {
    return write(video, ranked, framePosition, LongUnaryOperator.identity(), options, dir, nanoClock);
  }

  /**
   * As above, for a stream whose time is not the video's: {@code videoTime} maps a highlight's
   * stream time (ms) to the time in {@code video} where its clip is cut (a Kinesis Video archive
   * is in producer time, epoch ms, and its gaps are not in the annotated video).
   */
  public static Result write(Path video, List<Highlight> ranked, LongUnaryOperator framePosition,
      LongUnaryOperator videoTime, HighlightMediaOptions options, Path dir, LongSupplier nanoClock) {
    long started = nanoClock.getAsLong();
    Map<String, String> stems = stems(ranked);
    try {
      Files.createDirectories(dir);
      List<VideoClipper.Clip> clips = new ArrayList<>();
      if (!ranked.isEmpty()) {
        Files.createDirectories(dir.resolve(CLIPS));
        Files.createDirectories(dir.resolve(THUMBS));
        clips = cutClips(video, ranked, stems, videoTime, dir.resolve(CLIPS));
        writeThumbnails(video, ranked, stems, framePosition, options.thumbnailQuality(), dir.resolve(THUMBS));
      }
      List<Integer> reel = reelOrder(clips, options.reelBudgetMs());
      long reelMs = 0;
      List<String> reelIds = new ArrayList<>();
      if (!reel.isEmpty()) {
        List<Path> parts = new ArrayList<>();
        for (int i : reel) {
          parts.add(clips.get(i).path());
          reelMs += clips.get(i).durationMs();
          reelIds.add(ranked.get(i).id());
        }
        VideoConcat.concat(parts, dir.resolve(REEL));
      }
      Map<String, HighlightFiles> files = new LinkedHashMap<>();
      for (int i = 0; i < ranked.size(); i++) {
        VideoClipper.Clip c = clips.get(i);
        String stem = stems.get(ranked.get(i).id());
        files.put(ranked.get(i).id(), new HighlightFiles(CLIPS + "/" + stem + ".mp4",
            c.startMs() / 1000.0, c.endMs() / 1000.0, THUMBS + "/" + stem + ".jpg"));
      }
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      HighlightJsonWriter.write(ranked, files, json);
      writeAtomically(dir.resolve(JSON), json.toByteArray());
      StringWriter vtt = new StringWriter();
      WebVttChaptersWriter.write(ranked, vtt);
      writeAtomically(dir.resolve(VTT), vtt.toString().getBytes(StandardCharsets.UTF_8));
      long elapsedMs = (nanoClock.getAsLong() - started) / 1_000_000;
      return new Result(ranked.size(), clips.size(), ranked.size(), reelIds, reelMs, elapsedMs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write highlight media in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The file name stem of a highlight id: unsafe characters replaced, never hidden, bounded. */
  public static String fileStem(String id) {
    String stem = id.replaceAll("[^A-Za-z0-9._-]", "_");
    if (stem.isEmpty() || stem.startsWith(".")) {
      stem = "_" + stem;
    }
    return stem.length() > MAX_STEM ? stem.substring(0, MAX_STEM) : stem;
  }

  /**
   * The reel: indices (into the ranked clip list) of the clips taken best first while they fit
   * {@code budgetMs}, ordered by where they start in the video. Empty for a zero budget.
   */
  static List<Integer> reelOrder(List<VideoClipper.Clip> rankedClips, long budgetMs) {
    List<Integer> chosen = new ArrayList<>();
    long used = 0;
    for (int i = 0; i < rankedClips.size(); i++) {
      long d = rankedClips.get(i).durationMs();
      if (used + d <= budgetMs) {
        chosen.add(i);
        used += d;
      }
    }
    chosen.sort(Comparator.comparingLong((Integer i) -> rankedClips.get(i).startMs()));
    return chosen;
  }

  private static Map<String, String> stems(List<Highlight> ranked) {
    Map<String, String> stems = new LinkedHashMap<>();
    Set<String> used = new HashSet<>();
    for (Highlight h : ranked) {
      if (stems.containsKey(h.id())) {
        throw new IllegalArgumentException("two highlights share the id " + h.id()
            + "; expected unique ids (they name the clip files)");
      }
      String base = fileStem(h.id());
      String stem = base;
      for (int n = 2; !used.add(stem); n++) {
        stem = base + "-" + n; // only ids that differ in replaced characters get here
      }
      stems.put(h.id(), stem);
    }
    return stems;
  }

  /** One clip per highlight, in ranked order; windows are clamped to the video. */
  private static List<VideoClipper.Clip> cutClips(Path video, List<Highlight> ranked,
      Map<String, String> stems, LongUnaryOperator videoTime, Path clipsDir) {
    List<VideoClipper.Clip> clips = new ArrayList<>();
    try (VideoClipper clipper = VideoClipper.open(video)) {
      long duration = clipper.durationMs();
      for (Highlight h : ranked) {
        // Post-roll padding may run past the end (and sampling may shorten the video by a frame).
        long start = Math.min(Math.max(0, videoTime.applyAsLong(Math.round(h.startS() * 1000))), duration - 1);
        long end = Math.max(Math.min(videoTime.applyAsLong(Math.round(h.endS() * 1000)), duration), start + 1);
        clips.add(clipper.cut(start, end, clipsDir.resolve(stems.get(h.id()) + ".mp4")));
      }
    }
    return clips;
  }

  /** Decodes each peak frame exactly, in file order so the decoder only moves forward. */
  private static void writeThumbnails(Path video, List<Highlight> ranked, Map<String, String> stems,
      LongUnaryOperator framePosition, int quality, Path thumbsDir) {
    List<Integer> byPosition = IntStream.range(0, ranked.size()).boxed()
        .sorted(Comparator.comparingLong(i -> framePosition.applyAsLong(ranked.get(i).peakFrame())))
        .toList();
    try (VideoReader reader = VideoReader.open(video, VideoReadOptions.defaults().withDecoderThreads(1))) {
      for (int i : byPosition) {
        Highlight h = ranked.get(i);
        long position = framePosition.applyAsLong(h.peakFrame());
        reader.seekToFrame(position);
        var frame = reader.next().orElseThrow(() -> new IllegalStateException("peak frame "
            + h.peakFrame() + " of highlight " + h.id() + " (position " + position + ") is not in " + video));
        ImageWriter.writeJpeg(Thumbnails.fit(frame.image()), thumbsDir.resolve(stems.get(h.id()) + ".jpg"), quality);
      }
    }
  }

  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path temp = AtomicRename.temporarySibling(target);
    try {
      Files.write(temp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      AtomicRename.replace(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
