package dev.tracklight.inference;

import dev.tracklight.inference.preprocess.LetterboxStyle;
import java.util.Locale;

/** The detector families Tracklight can decode, each with its own letterbox and output layout. */
public enum ModelFamily {

  /** Megvii YOLOX: raw grid output {@code [B, N, 5 + nc]}, BGR 0..255, top-left letterbox. */
  YOLOX("yolox", LetterboxStyle.YOLOX_TOP_LEFT),
  /** Ultralytics YOLOv8/YOLO11 detect: {@code [B, 4 + nc, N]}, RGB /255, centred letterbox. */
  ULTRALYTICS("ultralytics", LetterboxStyle.ULTRALYTICS_CENTRED);

  private final String cliName;
  private final LetterboxStyle letterbox;

  ModelFamily(String cliName, LetterboxStyle letterbox) {
    this.cliName = cliName;
    this.letterbox = letterbox;
  }

  public String cliName() {
    return cliName;
  }

  public LetterboxStyle letterbox() {
    return letterbox;
  }

  /** Parses {@code yolox}, {@code ultralytics}, {@code yolov8} or {@code yolo11}. */
  public static ModelFamily parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "yolox":
        return YOLOX;
      case "ultralytics":
      case "yolov8":
      case "yolo11":
      case "yolo":
        return ULTRALYTICS;
      default:
        throw new InvalidInputException("unknown model family '" + name
            + "'; expected yolox or ultralytics (yolov8, yolo11)");
    }
  }
}
