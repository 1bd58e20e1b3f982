package dev.tracklight.pipeline.testing;

import dev.tracklight.connectors.testing.KafkaTestBroker;

/**
 * The in-process test broker as a process of its own, for benchmarks that need a real Kafka
 * ({@code tracklight bench live --kafka}): prints {@code READY <bootstrap servers>} and serves until
 * its standard input closes. Started by {@code tools/kafka-test-broker.sh}; test classpath only.
 */
public final class StandaloneKafkaBroker {

  private StandaloneKafkaBroker() {}

  public static void main(String[] args) throws Exception {
    try (KafkaTestBroker broker = KafkaTestBroker.start()) {
      System.out.println("READY " + broker.bootstrapServers());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until stdin closes
      }
    }
  }
}
