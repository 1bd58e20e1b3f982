package dev.tracklight.connectors.kvs;

import com.amazonaws.kinesisvideo.parser.ebml.EBMLTypeInfo;
import com.amazonaws.kinesisvideo.parser.ebml.MkvTypeInfos;
import com.amazonaws.kinesisvideo.parser.mkv.Frame;
import com.amazonaws.kinesisvideo.parser.mkv.MkvDataElement;
import com.amazonaws.kinesisvideo.parser.mkv.MkvElement;
import com.amazonaws.kinesisvideo.parser.mkv.MkvEndMasterElement;
import com.amazonaws.kinesisvideo.parser.mkv.MkvStartMasterElement;
import com.amazonaws.kinesisvideo.parser.mkv.StreamingMkvReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a Kinesis Video Streams media body (GetMedia, GetMediaForFragmentList: one MKV segment per
 * fragment) into fragments and their H.264 blocks, using the EBML/MKV streaming reader of Amazon's
 * KVS parser library (docs/kinesis-video.md says why that one).
 *
 * <p>Per fragment the service writes the tags {@code AWS_KINESISVIDEO_FRAGMENT_NUMBER},
 * {@code _SERVER_TIMESTAMP} and {@code _PRODUCER_TIMESTAMP} (seconds with milliseconds) before the
 * cluster, and {@code _MILLIS_BEHIND_NOW} and {@code _CONTINUATION_TOKEN} after it (GetMedia only).
 * A block's event time is the fragment's producer timestamp plus the block's timecode in the
 * cluster: the producer's clock, never the reader's.
 *
 * <p>A body that ends between fragments ends the read ({@link #next()} returns null); one that ends
 * inside a fragment, or bytes that are not MKV, fail with an {@link IOException} naming the fragment
 * and how many of its blocks came. One owner thread.
 */
final class MkvFragmentReader {

  private static final String TAG_PREFIX = "AWS_KINESISVIDEO_";
  private static final String H264 = "V_MPEG4/ISO/AVC";

  /** What the body holds, in order. */
  sealed interface Item permits FragmentStart, Block, FragmentEnd {}

  /** A fragment begins: its tags and the track's decoder configuration. */
  record FragmentStart(String fragmentNumber, long producerTimeMs, long serverTimeMs, byte[] codecPrivate)
      implements Item {}

  /**
   * One video block.
   *
   * @param offset 0-based position of the block in its fragment
   * @param eventTimeMs producer time of the frame, epoch milliseconds
   */
  record Block(String fragmentNumber, int offset, long eventTimeMs, boolean keyFrame, byte[] data)
      implements Item {}

  /** A fragment ended whole; the token (GetMedia only) resumes after it. */
  record FragmentEnd(String fragmentNumber, int blocks, Optional<String> continuationToken,
      OptionalLong millisBehindNow) implements Item {}

  private final BlockingByteSource source;
  private final StreamingMkvReader reader;
  private final ArrayDeque<Item> ready = new ArrayDeque<>();

  // Per segment (fragment): tags, track and timecode scale.
  private final Map<String, String> tags = new HashMap<>();
  private String tagName;
  private byte[] codecPrivate = new byte[0];
  private byte[] pendingCodecPrivate = new byte[0];
  private String codecId;
  private long videoTrack = -1;
  private long pendingTrackNumber = -1;
  private long timecodeScaleNs = 1_000_000;
  /** The fragment being read: set at its cluster, cleared when it ends. */
  private String fragment;
  private long producerMs;
  private int blocks;
  private boolean clusterDone;
  /** A segment (fragment) began and has not ended whole yet. */
  private boolean segmentOpen;

  MkvFragmentReader(InputStream body) {
    this.source = new BlockingByteSource(body);
    this.reader = StreamingMkvReader.createDefault(source);
  }

  /** The next item, or null when the body ended between fragments. */
  Item next() throws IOException {
    while (ready.isEmpty()) {
      MkvElement element;
      try {
        if (!reader.mightHaveNext()) {
          return finish();
        }
        Optional<MkvElement> e = reader.nextIfAvailable();
        if (e.isEmpty()) {
          if (source.eof()) {
            return finish();
          }
          continue;
        }
        element = e.get();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (RuntimeException e) {
        throw new IOException("not a valid MKV stream at byte " + source.consumed()
            + where() + ": " + e.getMessage(), e);
      }
      accept(element);
    }
    return ready.poll();
  }

  private String where() {
    return fragment == null ? "" : " (fragment " + fragment + ", after " + blocks + " frames)";
  }

  private Item finish() throws IOException {
    if (fragment != null && !clusterDone) {
      throw new IOException("media ended inside fragment " + fragment + " after " + blocks + " frames");
    }
    if (fragment == null && segmentOpen) {
      // Garbage where a fragment's elements should be makes the parser skip "unknown" elements to
      // the end: a segment that never reached its cluster is a broken body, not a clean end.
      throw new IOException("media ended inside a fragment's header at byte " + source.consumed()
          + " (no frames after the last whole fragment; corrupt or cut MKV)");
    }
    endFragment();
    return ready.poll();
  }

  private void accept(MkvElement element) throws IOException {
    EBMLTypeInfo type = element.getElementMetaData().getTypeInfo();
    if (element instanceof MkvStartMasterElement) {
      if (type.equals(MkvTypeInfos.EBML)) {
        // A new segment is a new fragment; the previous one ended without a continuation token.
        if (fragment != null && !clusterDone) {
          throw new IOException("fragment " + fragment + " cut off after " + blocks + " frames by a new segment");
        }
        endFragment();
        segmentOpen = true;
        tags.clear();
        codecPrivate = new byte[0];
        codecId = null;
        videoTrack = -1;
        timecodeScaleNs = 1_000_000;
      } else if (type.equals(MkvTypeInfos.CLUSTER)) {
        startFragment();
      }
      return;
    }
    if (element instanceof MkvEndMasterElement) {
      if (type.equals(MkvTypeInfos.CLUSTER) && fragment != null) {
        clusterDone = true;
      } else if (type.equals(MkvTypeInfos.TRACKENTRY)) {
        if (H264.equals(codecId) && videoTrack < 0) {
          videoTrack = pendingTrackNumber;
          codecPrivate = pendingCodecPrivate;
        }
        pendingCodecPrivate = new byte[0];
      }
      return;
    }
    if (!(element instanceof MkvDataElement data)) {
      return;
    }
    Object value = data.getValueCopy().getVal();
    if (type.equals(MkvTypeInfos.SIMPLEBLOCK)) {
      Frame frame = (Frame) value;
      if (fragment == null || clusterDone) {
        throw new IOException("a frame outside a fragment's cluster at byte " + source.consumed());
      }
      if (frame.getTrackNumber() != videoTrack) {
        return; // audio or metadata tracks: not ours
      }
      ByteBuffer bytes = frame.getFrameData();
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      long offsetMs = Math.round(frame.getTimeCode() * (timecodeScaleNs / 1e6));
      ready.add(new Block(fragment, blocks++, producerMs + offsetMs, frame.isKeyFrame(), copy));
    } else if (type.equals(MkvTypeInfos.TAGNAME)) {
      tagName = String.valueOf(value).trim();
    } else if (type.equals(MkvTypeInfos.TAGSTRING)) {
      if (tagName != null && tagName.startsWith(TAG_PREFIX)) {
        tags.put(tagName, String.valueOf(value).trim());
        if (tagName.equals(TAG_PREFIX + "CONTINUATION_TOKEN") && fragment != null && clusterDone) {
          endFragment();
        }
      }
      tagName = null;
    } else if (type.equals(MkvTypeInfos.CODECPRIVATE)) {
      ByteBuffer bytes = (ByteBuffer) value;
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      pendingCodecPrivate = copy;
    } else if (type.equals(MkvTypeInfos.CODECID)) {
      codecId = String.valueOf(value);
    } else if (type.equals(MkvTypeInfos.TRACKNUMBER)) {
      pendingTrackNumber = ((Number) value).longValue();
    } else if (type.equals(MkvTypeInfos.TIMECODESCALE)) {
      timecodeScaleNs = ((Number) value).longValue();
    }
  }

  private void startFragment() throws IOException {
    if (fragment != null) {
      throw new IOException("fragment " + fragment + " has a second cluster; expected one per fragment");
    }
    String number = tags.get(TAG_PREFIX + "FRAGMENT_NUMBER");
    String producer = tags.get(TAG_PREFIX + "PRODUCER_TIMESTAMP");
    if (number == null || producer == null) {
      throw new IOException("a cluster without the " + TAG_PREFIX + "FRAGMENT_NUMBER and _PRODUCER_TIMESTAMP"
          + " tags at byte " + source.consumed() + "; expected a Kinesis Video Streams media body");
    }
    if (videoTrack < 0) {
      throw new IOException("fragment " + number + " has no H.264 (" + H264 + ") track (codec "
          + codecId + ")");
    }
    fragment = number;
    producerMs = seconds(producer, "PRODUCER_TIMESTAMP");
    String server = tags.get(TAG_PREFIX + "SERVER_TIMESTAMP");
    blocks = 0;
    clusterDone = false;
    ready.add(new FragmentStart(number, producerMs, server == null ? -1 : seconds(server, "SERVER_TIMESTAMP"),
        codecPrivate.clone()));
  }

  private void endFragment() {
    if (fragment == null) {
      return;
    }
    String behind = tags.get(TAG_PREFIX + "MILLIS_BEHIND_NOW");
    OptionalLong millisBehind = OptionalLong.empty();
    if (behind != null) {
      try {
        millisBehind = OptionalLong.of(Long.parseLong(behind));
      } catch (NumberFormatException e) {
        // Informational only: a malformed value is dropped rather than failing the fragment.
      }
    }
    ready.add(new FragmentEnd(fragment, blocks,
        Optional.ofNullable(tags.remove(TAG_PREFIX + "CONTINUATION_TOKEN")), millisBehind));
    tags.remove(TAG_PREFIX + "MILLIS_BEHIND_NOW");
    fragment = null;
    segmentOpen = false;
  }

  /** "1511852108.513" (seconds) → epoch milliseconds. */
  private static long seconds(String value, String tag) throws IOException {
    try {
      return new BigDecimal(value).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IOException(TAG_PREFIX + tag + " '" + value + "' is not a time in seconds");
    }
  }
}
