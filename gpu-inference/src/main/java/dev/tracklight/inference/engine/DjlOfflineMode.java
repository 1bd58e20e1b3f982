package dev.tracklight.inference.engine;

/**
 * Keeps DJL from touching the network, whoever embeds this module (the CLI, a Flink job, a test).
 * Offline mode stops DJL from downloading native libraries (ours are Maven dependencies on the class
 * path) and opting out of tracking stops the call to the EC2 metadata address DJL makes on its
 * first engine start. Must run before the first {@code Engine.getEngine}; a value the user set
 * explicitly (system property or environment variable) wins.
 */
final class DjlOfflineMode {

  private DjlOfflineMode() {}

  static void ensure() {
    setUnlessConfigured("ai.djl.offline", "DJL_OFFLINE");
    setUnlessConfigured("OPT_OUT_TRACKING", "OPT_OUT_TRACKING");
  }

  private static void setUnlessConfigured(String property, String env) {
    if (System.getProperty(property) == null && System.getenv(env) == null) {
      System.setProperty(property, "true");
    }
  }
}
