package dev.tracklight.pipeline.cli;

/**
 * DJL reads these before its first engine starts. Offline mode stops it from fetching native
 * libraries (ours come from Maven Central on the class path) and opting out of tracking stops the
 * call to the EC2 metadata address that DJL makes on the first engine init. A value the user set
 * explicitly wins.
 */
final class DjlDefaults {

  private DjlDefaults() {}

  static void apply() {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }
}
