package dev.tracklight.inference.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the custom metadata Ultralytics writes into exported ONNX files: {@code names} (a Python
 * dict literal such as {@code {0: 'person', 1: "teddy's bear"}}), {@code stride}, {@code imgsz}.
 */
public final class UltralyticsMetadata {

  /** {@code index: 'name'} or {@code index: "name"}; Python uses double quotes when the name has a '. */
  private static final Pattern ENTRY =
      Pattern.compile("(\\d+)\\s*:\\s*(?:'((?:[^'\\\\]|\\\\.)*)'|\"((?:[^\"\\\\]|\\\\.)*)\")");
  private static final Pattern INT = Pattern.compile("\\d+");

  private UltralyticsMetadata() {}

  /** Class names in index order, if the metadata has a well-formed, gap-free {@code names} dict. */
  public static Optional<List<String>> names(Map<String, String> metadata) {
    String text = metadata == null ? null : metadata.get("names");
    if (text == null) {
      return Optional.empty();
    }
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    Matcher m = ENTRY.matcher(text);
    while (m.find()) {
      String name = m.group(2) != null ? m.group(2) : m.group(3);
      byIndex.put(Integer.parseInt(m.group(1)), name.replaceAll("\\\\(.)", "$1"));
    }
    if (byIndex.isEmpty() || byIndex.firstKey() != 0 || byIndex.lastKey() != byIndex.size() - 1) {
      return Optional.empty();
    }
    return Optional.of(List.copyOf(new ArrayList<>(byIndex.values())));
  }

  /** The model's maximum stride, if declared. */
  public static OptionalInt stride(Map<String, String> metadata) {
    String text = metadata == null ? null : metadata.get("stride");
    if (text == null) {
      return OptionalInt.empty();
    }
    Matcher m = INT.matcher(text);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group())) : OptionalInt.empty();
  }
}
