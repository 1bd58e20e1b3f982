package dev.tracklight.operators.alerts;

import dev.tracklight.inference.ClassNames;
import dev.tracklight.operators.highlights.Highlight;
import dev.tracklight.operators.highlights.NormalizedBox;
import dev.tracklight.operators.highlights.Rule;
import dev.tracklight.operators.highlights.RuleEvent;
import dev.tracklight.operators.highlights.RuleKind;
import dev.tracklight.operators.highlights.Severity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One alert of the live alert streams (schema {@value #SCHEMA}, published as
 * {@code docs/alert.schema.json}; {@link AlertJson} is its wire form). An alert is either a rule
 * event (an entry, a crossing, a loitering person...) or a closed {@code highlight}.
 *
 * <p>The {@code id} is a pure function of (camera, rule, type, tracks, event time) — see
 * {@link #idOf} — so the same input gives the same ids in every run, after a restore, and at any
 * parallelism; consumers de-duplicate on it. {@code emitTimeMs} is the only field that differs
 * between runs.
 *
 * @param id deterministic id, 32 hex digits
 * @param camera camera id
 * @param rule the rule's name; for highlights, the contributing rules joined by {@code +}
 * @param ruleType the rule's kind ({@code zone}, {@code line}, ...), or {@code highlight}
 * @param type what happened: a {@code RuleEvent} type in lower case, or {@code highlight}
 * @param severity {@code info}, {@code warning} or {@code critical}
 * @param eventTimeMs when it happened, in the stream's event time (epoch ms for live cameras,
 *     ms from the start of the video for replays); a highlight's end
 * @param emitTimeMs when the job emitted the alert (epoch ms, wall clock)
 * @param frame the frame it happened at (a highlight's peak frame)
 * @param startMs start of the span the alert is about ({@code eventTimeMs} for instants)
 * @param trackIds tracks involved, ascending
 * @param classes class names involved, sorted
 * @param zone the zone's name for zone, loitering and crowd rules, else {@code null}
 * @param line the line's name for line rules, else {@code null}
 * @param direction {@code in} or {@code out} for crossings, else {@code null}
 * @param count the event's count (see {@code RuleEvent#count}); for highlights, the tracks involved
 * @param score {@code 0..1}
 * @param box the main track's box, normalised {@code x1, y1, x2, y2}, or {@code null}
 * @param clipUri URI of a clip showing it, or {@code null} when none is (yet) written
 * @param thumbnailUri URI of an annotated still, or {@code null}
 */
public record Alert(String id, String camera, String rule, String ruleType, String type,
    Severity severity, long eventTimeMs, long emitTimeMs, long frame, long startMs,
    List<Integer> trackIds, List<String> classes, String zone, String line, String direction,
    int count, double score, NormalizedBox box, String clipUri, String thumbnailUri) {

  /** Schema name and version of the JSON form; a breaking change bumps the version. */
  public static final String SCHEMA = "tracklight.alert.v1";
  /** {@code type} and {@code rule_type} of highlight alerts. */
  public static final String HIGHLIGHT = "highlight";

  public Alert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(camera, "camera");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(ruleType, "ruleType");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(severity, "severity");
    trackIds = List.copyOf(trackIds);
    classes = List.copyOf(classes);
  }

  /** The alert for one rule event of {@code camera}. */
  public static Alert of(String camera, Rule rule, RuleEvent e, ClassNames names, long emitTimeMs) {
    if (!rule.name().equals(e.rule())) {
      throw new IllegalArgumentException("event of rule " + e.rule() + " given with rule " + rule.name());
    }
    String type = e.type().name().toLowerCase(java.util.Locale.ROOT);
    boolean zoneRule = e.ruleKind() == RuleKind.ZONE || e.ruleKind() == RuleKind.LOITERING
        || e.ruleKind() == RuleKind.CROWD;
    return new Alert(idOf(camera, e.rule(), type, e.trackIds(), e.timestampMs()), camera, e.rule(),
        e.ruleKind().key(), type, rule.severity(), e.timestampMs(), emitTimeMs, e.frameIndex(),
        e.startMs(), e.trackIds(), e.classIds().stream().map(names::name).sorted().toList(),
        zoneRule ? e.rule() : null, e.ruleKind() == RuleKind.LINE ? e.rule() : null,
        e.direction() == null ? null : e.direction().name().toLowerCase(java.util.Locale.ROOT),
        e.count(), e.score(), e.box(), null, null);
  }

  /**
   * The alert for a closed highlight, times in epoch ms (live). Its severity is the highest of its
   * rules'.
   */
  public static Alert of(Highlight h, Severity severity, long emitTimeMs, String clipUri,
      String thumbnailUri) {
    long start = Math.round(h.startS() * 1000);
    long end = Math.round(h.endS() * 1000);
    String rule = String.join("+", h.reasons());
    return new Alert(idOf(h.camera(), rule, HIGHLIGHT, h.trackIds(), end), h.camera(), rule,
        HIGHLIGHT, HIGHLIGHT, severity, end, emitTimeMs, h.peakFrame(), start, h.trackIds(),
        h.classes(), null, null, null, h.trackIds().size(), h.score(), null, clipUri,
        thumbnailUri);
  }

  /** Flink type information: {@link AlertSerializer} (no Kryo). */
  public static org.apache.flink.api.common.typeinfo.TypeInformation<Alert> typeInfo() {
    return new dev.tracklight.operators.stream.ExplicitTypeInfo<>(Alert.class, AlertSerializer.INSTANCE);
  }

  /** This alert with media attached. */
  public Alert withMedia(String clip, String thumbnail) {
    return new Alert(id, camera, rule, ruleType, type, severity, eventTimeMs, emitTimeMs, frame,
        startMs, trackIds, classes, zone, line, direction, count, score, box, clip, thumbnail);
  }

  /**
   * The deterministic id: the first 128 bits of SHA-256 over the identifying fields, separated by
   * a byte that cannot occur in them, as 32 lower-case hex digits.
   */
  public static String idOf(String camera, String rule, String type, List<Integer> trackIds,
      long eventTimeMs) {
    String key = camera + '\0' + rule + '\0' + type + '\0' + trackIds + '\0' + eventTimeMs;
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
