package dev.tracklight.inference;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Class index ↔ name for a model. Names use Ultralytics spelling ({@code motorcycle},
 * {@code airplane}, {@code couch}, {@code tv}); {@link #idOf} also accepts the Darknet/VOC
 * spellings of the same COCO classes ({@code motorbike}, {@code aeroplane}, {@code sofa},
 * {@code tvmonitor}) so user input in either convention works.
 */
public final class ClassNames {

  /** The 80 COCO classes in model index order, Ultralytics spelling. */
  public static final ClassNames COCO = new ClassNames(List.of(
      "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
      "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
      "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
      "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
      "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
      "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
      "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
      "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
      "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
      "teddy bear", "hair drier", "toothbrush"));

  private static final Map<String, String> ALIASES = Map.of(
      "motorbike", "motorcycle", "aeroplane", "airplane", "sofa", "couch", "tvmonitor", "tv",
      "pottedplant", "potted plant", "diningtable", "dining table");

  private final List<String> names;
  private final Map<String, Integer> ids = new HashMap<>();

  public ClassNames(List<String> names) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one class name");
    }
    this.names = List.copyOf(names);
    for (int i = 0; i < this.names.size(); i++) {
      ids.putIfAbsent(normalise(this.names.get(i)), i);
    }
  }

  public int size() {
    return names.size();
  }

  /** The name of class {@code id}, or {@code "class<id>"} for an id outside the list. */
  public String name(int id) {
    return id >= 0 && id < names.size() ? names.get(id) : "class" + id;
  }

  public List<String> names() {
    return names;
  }

  /**
   * The index of a class name (case-insensitive; Darknet spellings accepted).
   *
   * @throws IllegalArgumentException naming the unknown class and listing the known ones
   */
  public int idOf(String name) {
    String key = normalise(name);
    Integer id = ids.get(key);
    if (id == null && ALIASES.containsKey(key)) {
      id = ids.get(normalise(ALIASES.get(key)));
    }
    if (id == null) {
      throw new IllegalArgumentException("unknown class '" + name + "';"
          + ClosestMatch.didYouMean(name.trim(), names) + " expected one of: " + String.join(", ", names));
    }
    return id;
  }

  private static String normalise(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }
}
