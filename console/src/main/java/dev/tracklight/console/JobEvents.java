package dev.tracklight.console;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Fan-out of job changes to whoever listens (the SSE streams). Subscribers are called on the
 * thread that published, so they must not block: an SSE client's send is a write into its own
 * response buffer, and a client that went away is removed by its stream's close handler.
 */
public final class JobEvents {

  private final Set<Consumer<Job>> subscribers = new CopyOnWriteArraySet<>();

  public AutoCloseable subscribe(Consumer<Job> s) {
    subscribers.add(s);
    return () -> subscribers.remove(s);
  }

  void publish(Job job) {
    for (Consumer<Job> s : subscribers) {
      try {
        s.accept(job);
      } catch (RuntimeException e) {
        subscribers.remove(s); // a broken stream: its client is gone
      }
    }
  }

  int subscriberCount() {
    return subscribers.size();
  }
}
