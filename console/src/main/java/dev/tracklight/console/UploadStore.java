package dev.tracklight.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads on disk, in the data directory's {@code tmp/}: per upload
 * {@code upload-ID.json} (owner, name, declared size, created, updated) and {@code upload-ID.part}
 * (the bytes so far, appended chunk by chunk straight from the request stream, never held whole).
 *
 * <p><b>State.</b> The {@code .part} file's length <em>is</em> the offset: there is no second
 * record of it to disagree after a crash or a connection lost mid-chunk (whatever reached the
 * disk counts, and the client resumes from there). The JSON is replaced atomically. An index of
 * the JSON records is kept in memory and rebuilt from the directory at start, so a restarted
 * console resumes every unfinished upload.
 *
 * <p><b>Concurrency.</b> Index changes are under this object's lock; bytes are streamed outside
 * it. An upload being written (or moved into a job) is claimed in {@code busy}: a second chunk for
 * it meanwhile is a conflict (409 with the offset), and the sweeper and DELETE leave it alone
 * until the claim is released (DELETE answers 409 too).
 *
 * <p><b>Expiry.</b> An upload whose last byte arrived more than {@code ttl} ago (the injected
 * clock) is removed by {@link #sweep}, finished or not, as are stray files without a record;
 * the server sweeps at start and periodically so abandoned uploads cannot fill the disk.
 */
public final class UploadStore {

  /** Bytes the sniffer needs; a non-video is refused as soon as they are in (or at the end). */
  static final int SNIFF_BYTES = 188 * 3;
  /** Unfinished uploads one user may hold at once (each may be max_upload_mb on disk). */
  static final int MAX_OPEN_PER_USER = 20;
  private static final Logger LOG = LoggerFactory.getLogger(UploadStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** A refused request: the HTTP status, a one-line reason and, for conflicts, the offset. */
  public static final class Refused extends RuntimeException {
    private final int status;
    private final long offset;

    Refused(int status, String message, long offset) {
      super(message, null, false, false);
      this.status = status;
      this.offset = offset;
    }

    public int status() {
      return status;
    }

    /** The upload's current offset, or -1 when the upload is gone or never was. */
    public long offset() {
      return offset;
    }
  }

  /** The JSON record (the offset is the .part file's length, not recorded). */
  private record Meta(String id, String owner, String name, long size, long createdMs, long updatedMs) {

    Instant updated() {
      return Instant.ofEpochMilli(updatedMs);
    }
  }

  private final Path dir;
  private final long maxBytes;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Meta> index = new HashMap<>();
  private final Set<String> busy = new HashSet<>();

  /** Opens {@code dir} (made if missing) and indexes the uploads left there by an earlier run. */
  public UploadStore(Path dir, long maxBytes, Duration ttl, Clock clock) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.ttl = ttl;
    this.clock = clock;
    try {
      Files.createDirectories(dir);
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "upload-*.json")) {
        for (Path f : s) {
          try {
            JsonNode j = JSON.readTree(f.toFile());
            Meta m = new Meta(j.path("id").asText(), j.path("owner").asText(), j.path("name").asText(),
                j.path("size").asLong(), j.path("createdMs").asLong(), j.path("updatedMs").asLong());
            if (ID.matcher(m.id()).matches() && m.size() > 0 && !m.owner().isEmpty() && f.getFileName().toString().equals("upload-" + m.id() + ".json")) {
              index.put(m.id(), m);
            }
          } catch (IOException e) {
            LOG.warn("unreadable upload record {} (removed by the sweep): {}", f.getFileName(), e.getMessage());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts an upload of {@code size} bytes named {@code name} (reduced to a safe name). */
  public synchronized Upload create(String owner, String name, long size) {
    if (size < 1) {
      throw new Refused(400, "size: expected the file's length in bytes (at least 1)", -1);
    }
    if (size > maxBytes) {
      throw new Refused(413, JobRoutes.tooLargeMessage(maxBytes), -1);
    }
    long open = index.values().stream().filter(m -> m.owner().equals(owner)).count();
    if (open >= MAX_OPEN_PER_USER) {
      throw new Refused(429, "too many unfinished uploads (" + open + "); finish or DELETE some first", -1);
    }
    Instant now = clock.instant();
    Meta m = new Meta(UUID.randomUUID().toString(), owner, JobRoutes.displayName(name), size, now.toEpochMilli(),
        now.toEpochMilli());
    try {
      writeMeta(m);
      Files.deleteIfExists(part(m.id()));
      Files.createFile(part(m.id()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    index.put(m.id(), m);
    return view(m);
  }

  /** The owner's upload; empty for an unknown id or another user's (they are told "not found"). */
  public synchronized Optional<Upload> get(String owner, String id) {
    return Optional.ofNullable(index.get(id)).filter(m -> m.owner().equals(owner)).map(this::view);
  }

  /**
   * Appends one chunk read from {@code body}: {@code range.start()} must be the current offset and
   * the range must lie inside the declared size. Bytes are written as they arrive, so a connection
   * lost mid-chunk keeps what arrived (the IOException is passed on). When the sniffable head is
   * in, or the last byte, a non-video is deleted and refused with the sniffer's message.
   *
   * @param contentLength the request's Content-Length, or -1 when it sent none (chunked)
   */
  public Upload append(String owner, String id, ContentRange range, long contentLength, InputStream body)
      throws IOException {
    Meta m;
    long offset;
    synchronized (this) {
      m = owned(owner, id);
      offset = length(id);
      if (busy.contains(id)) {
        throw new Refused(409, "a chunk of this upload is being written; resume at the offset when it ends", offset);
      }
      if (range.total() != m.size()) {
        throw new Refused(400, "Content-Range: total " + range.total() + " is not the declared size " + m.size(),
            offset);
      }
      if (range.end() >= m.size()) {
        // Bytes past the declared size: the client's file is not the one it declared; nothing of it is kept.
        remove(id);
        throw new Refused(416, "Content-Range: byte " + range.end() + " is past the declared size " + m.size()
            + "; upload discarded", -1);
      }
      if (contentLength >= 0 && contentLength != range.length()) {
        throw new Refused(400, "Content-Length " + contentLength + " is not the range's " + range.length() + " bytes",
            offset);
      }
      if (range.start() != offset) {
        throw new Refused(409, "chunk starts at " + range.start() + " but the upload is at " + offset, offset);
      }
      busy.add(id);
    }
    try {
      long got;
      try {
        got = copy(body, part(id), range.length());
      } finally {
        m = touch(m); // whatever arrived is activity: expiry counts from the last byte
      }
      if (got == range.length() && body.read() != -1) {
        // More bytes than the range said: the client's idea of the file is not ours; start over.
        remove(id);
        throw new Refused(400, "the body is longer than Content-Range says; upload discarded", -1);
      }
      long now = length(id);
      if (offset < SNIFF_BYTES && (now >= SNIFF_BYTES || now == m.size())
          && VideoSniffer.container(part(id)).isEmpty()) {
        remove(id);
        throw new Refused(415, VideoSniffer.refusal(m.name()), -1);
      }
      if (got < range.length()) {
        throw new Refused(400, "the chunk ended after " + got + " of " + range.length() + " bytes; resume at " + now,
            now);
      }
      return view(m);
    } finally {
      release(id);
    }
  }

  /**
   * Moves the owner's finished upload to {@code dir}/its name (a rename on the data directory's
   * file system, no copy) and forgets it. Refused 404 if unknown, 409 if unfinished or being written.
   */
  public Upload moveInto(String owner, String id, Path dir) throws IOException {
    Meta m = claimComplete(owner, id);
    try {
      Files.createDirectories(dir);
      Path target = dir.resolve(m.name());
      try {
        Files.move(part(id), target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(part(id), target, StandardCopyOption.REPLACE_EXISTING);
      }
      remove(id);
      return new Upload(m.id(), m.owner(), m.name(), m.size(), m.size(), Instant.ofEpochMilli(m.createdMs()), m.updated());
    } finally {
      release(id);
    }
  }

  /** The owner's finished upload, checked (404, 409) and claimed; {@link #release} it after. */
  private synchronized Meta claimComplete(String owner, String id) {
    Meta m = ownedComplete(owner, id, true);
    busy.add(id);
    return m;
  }

  /** Checks that every id is the owner's finished upload, without claiming any (a form's pre-check). */
  public synchronized void checkComplete(String owner, Iterable<String> ids) {
    for (String id : ids) {
      ownedComplete(owner, id, false);
    }
  }

  /** The owner's upload if all its bytes are in (and, with {@code idle}, no chunk is being written); else 404/409. */
  private Meta ownedComplete(String owner, String id, boolean idle) {
    Meta m = owned(owner, id);
    long offset = length(id);
    if ((idle && busy.contains(id)) || offset != m.size()) {
      throw new Refused(409, "upload " + id + " is not finished: " + offset + " of " + m.size() + " bytes", offset);
    }
    return m;
  }

  /** Abandons the owner's upload: its files are deleted. 404 if unknown, 409 while a chunk is written. */
  public synchronized void delete(String owner, String id) {
    owned(owner, id);
    if (busy.contains(id)) {
      throw new Refused(409, "a chunk of this upload is being written; delete it when it ends", length(id));
    }
    remove(id);
  }

  /**
   * Removes uploads idle for longer than the TTL and files without a record (a crash between
   * writes, an unreadable record); a claimed upload is skipped. Returns how many uploads went.
   */
  public synchronized int sweep() {
    Instant cutoff = clock.instant().minus(ttl);
    int removed = 0;
    for (Meta m : index.values().stream().toList()) {
      if (!busy.contains(m.id()) && m.updated().isBefore(cutoff)) {
        remove(m.id());
        removed++;
      }
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "upload-*")) {
      for (Path f : s) {
        String n = f.getFileName().toString();
        String id = n.substring("upload-".length()).replaceFirst("\\.(json|part|json\\.tmp)$", "");
        if (!index.containsKey(id)) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.warn("upload sweep of {} incomplete: {}", dir, e.getMessage());
    }
    if (removed > 0) {
      LOG.info("removed {} upload(s) idle for more than {}", removed, ttl);
    }
    return removed;
  }

  private synchronized Meta touch(Meta m) {
    Meta touched = new Meta(m.id(), m.owner(), m.name(), m.size(), m.createdMs(), clock.millis());
    if (index.containsKey(m.id())) {
      writeMeta(touched);
      index.put(m.id(), touched);
    }
    return touched;
  }

  private Meta owned(String owner, String id) {
    Meta m = id == null ? null : index.get(id);
    if (m == null || !m.owner().equals(owner)) {
      throw new Refused(404, "no upload " + id, -1);
    }
    return m;
  }

  private synchronized void release(String id) {
    busy.remove(id);
  }

  private synchronized void remove(String id) {
    index.remove(id);
    for (Path f : new Path[] {part(id), meta(id)}) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        LOG.warn("could not delete {}: {}", f.getFileName(), e.getMessage());
      }
    }
  }

  private Upload view(Meta m) {
    return new Upload(m.id(), m.owner(), m.name(), m.size(), length(m.id()), Instant.ofEpochMilli(m.createdMs()),
        m.updated());
  }

  private long length(String id) {
    try {
      return Files.size(part(id));
    } catch (IOException e) {
      return 0;
    }
  }

  /** Copies at most {@code max} bytes from {@code in} to the end of {@code file}, each read as it comes. */
  private static long copy(InputStream in, Path file, long max) throws IOException {
    byte[] buf = new byte[1 << 16];
    long got = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      while (got < max) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, max - got));
        if (n < 0) {
          break;
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        got += n;
      }
    }
    return got;
  }

  private void writeMeta(Meta m) {
    Path tmp = dir.resolve("upload-" + m.id() + ".json.tmp");
    try {
      JSON.writeValue(tmp.toFile(), Map.of("id", m.id(), "owner", m.owner(), "name", m.name(), "size", m.size(),
          "createdMs", m.createdMs(), "updatedMs", m.updatedMs()));
      Files.move(tmp, meta(m.id()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path part(String id) {
    if (!ID.matcher(id).matches()) {
      throw new Refused(404, "no upload " + id, -1); // never a path from a client's string
    }
    return dir.resolve("upload-" + id + ".part");
  }

  private Path meta(String id) {
    return part(id).resolveSibling("upload-" + id + ".json");
  }
}
