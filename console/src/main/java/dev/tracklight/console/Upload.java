package dev.tracklight.console;

import java.time.Instant;

/**
 * One resumable upload as its owner sees it: {@code offset} bytes of the declared {@code size}
 * have arrived; complete (and sniffed as a video) when they are equal.
 *
 * @param name the safe file name ({@link JobRoutes#displayName})
 * @param updated the last time a byte arrived (or it was created): what expiry counts from
 */
public record Upload(String id, String owner, String name, long size, long offset, Instant created, Instant updated) {

  public boolean complete() {
    return offset == size;
  }
}
