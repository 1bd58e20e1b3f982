package dev.tracklight.connectors.s3;

import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 as the CLI and the batch worker use it: list (globs, paginated), download to a scratch file
 * (size checked), upload (multipart above {@link #MULTIPART_THRESHOLD}, with SHA-256 computed here
 * and CRC32 checksums verified by S3 per part), small JSON objects, and an up-front write check.
 *
 * <p>Owns one synchronous SDK client (Apache HTTP; no CRT natives, no Netty), which
 * {@link #close()} releases. Thread-safe, as the client is. The SDK's asynchronous client with its
 * built-in multipart was tried first: its PutObject (Netty, {@code Expect: 100-continue}) failed
 * against S3-compatible servers that answer the 100 (moto: "Status Code: 100"), so multipart is
 * done here with the synchronous client.
 * SDK failures become {@link InvalidInputException} where the user named something that does not
 * exist or may not be used (bucket, key, credentials), else they propagate (transient).
 */
public final class S3Storage implements AutoCloseable {

  /** Objects from this size up are uploaded in parts (8 MiB parts: S3's common default). */
  public static final long MULTIPART_THRESHOLD = 16L << 20;
  static final long PART_SIZE = 8L << 20;
  /** Where {@link #checkWritable} writes its probe, under the output prefix (deleted right after). */
  static final String WRITE_PROBE = ".tracklight-write-check";

  private final S3Client sync;
  private final String region;
  private final AwsSettings settings;

  public S3Storage(AwsSettings settings) {
    this.settings = settings;
    boolean pathStyle = settings.s3PathStyle();
    this.region = settings.region().id();
    this.sync = settings.configure(S3Client.builder(), "S3").forcePathStyle(pathStyle).build();
  }

  /** One listed object. */
  public record ObjectInfo(S3Uri uri, long size) {}

  /** One uploaded object, as {@code result.json} lists it. */
  public record Uploaded(String key, long size, String sha256) {}

  /**
   * The objects a location names: every key matching a glob (sorted, paginated listing), or the
   * one object. Nothing matching, or a missing object/bucket, is the user's input: one line.
   */
  public List<ObjectInfo> list(S3Uri location) {
    if (!location.isGlob()) {
      return List.of(new ObjectInfo(location, head(location).contentLength()));
    }
    S3Glob glob = S3Glob.of(location.key());
    List<ObjectInfo> found = new ArrayList<>();
    call(location, "list", () -> {
      for (S3Object o : sync.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(glob.listPrefix())).contents()) {
        if (glob.matches(o.key())) {
          found.add(new ObjectInfo(new S3Uri(location.bucket(), o.key()), o.size()));
        }
      }
      return null;
    });
    if (found.isEmpty()) {
      throw new InvalidInputException("no S3 object matches " + location + " (expected at least one)");
    }
    return found;
  }

  /** All objects under a prefix (paginated), keys in S3's order. */
  public List<ObjectInfo> listPrefix(S3Uri prefix) {
    List<ObjectInfo> found = new ArrayList<>();
    call(prefix, "list", () -> {
      for (S3Object o : sync.listObjectsV2Paginator(b -> b.bucket(prefix.bucket()).prefix(prefix.key())).contents()) {
        found.add(new ObjectInfo(new S3Uri(prefix.bucket(), o.key()), o.size()));
      }
      return null;
    });
    return found;
  }

  public HeadObjectResponse head(S3Uri object) {
    return call(object, "read", () -> sync.headObject(b -> b.bucket(object.bucket()).key(object.key())));
  }

  /**
   * Downloads an object to {@code target} (via a temporary file beside it, renamed when complete)
   * and checks its size against the object's: a short read is a transient failure (IOException).
   */
  public Path download(S3Uri object, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path part = target.resolveSibling(target.getFileName() + ".part");
    Files.deleteIfExists(part);
    GetObjectResponse response = call(object, "read",
        () -> sync.getObject(b -> b.bucket(object.bucket()).key(object.key()), ResponseTransformer.toFile(part)));
    long got = Files.size(part);
    if (response.contentLength() != null && got != response.contentLength()) {
      Files.deleteIfExists(part);
      throw new IOException("download of " + object + " is short: " + got + " of " + response.contentLength() + " bytes");
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** The object's bytes, or empty if it does not exist. */
  public Optional<byte[]> readIfExists(S3Uri object) {
    try {
      ResponseBytes<GetObjectResponse> bytes = sync.getObjectAsBytes(b -> b.bucket(object.bucket()).key(object.key()));
      return Optional.of(bytes.asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404 && !(e instanceof NoSuchBucketException)) {
        return Optional.empty();
      }
      throw translate(e, object, "read");
    }
  }

  /**
   * Uploads a file: one PutObject below {@link #MULTIPART_THRESHOLD}, else a multipart upload of
   * {@link #PART_SIZE} parts (aborted on failure, so no orphaned parts are billed); S3 verifies a
   * CRC32 checksum of every request's body. Returns the object's listing with its SHA-256.
   */
  public Uploaded upload(Path file, S3Uri object) throws IOException {
    String sha = sha256(file);
    long size = Files.size(file);
    if (size < MULTIPART_THRESHOLD) {
      call(object, "write", () -> sync.putObject(b -> b.bucket(object.bucket()).key(object.key())
          .checksumAlgorithm(ChecksumAlgorithm.CRC32).contentType(contentType(file)), RequestBody.fromFile(file)));
      return new Uploaded(object.key(), size, sha);
    }
    String uploadId = call(object, "write", () -> sync.createMultipartUpload(b -> b.bucket(object.bucket())
        .key(object.key()).checksumAlgorithm(ChecksumAlgorithm.CRC32).contentType(contentType(file))).uploadId());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      List<CompletedPart> parts = new ArrayList<>();
      ByteBuffer buf = ByteBuffer.allocate((int) PART_SIZE);
      for (int part = 1; ; part++) {
        buf.clear();
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // fill one part
        }
        buf.flip();
        if (!buf.hasRemaining()) {
          break;
        }
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        int n = part;
        var r = call(object, "write", () -> sync.uploadPart(b -> b.bucket(object.bucket()).key(object.key())
            .uploadId(uploadId).partNumber(n).checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(bytes)));
        parts.add(CompletedPart.builder().partNumber(n).eTag(r.eTag()).checksumCRC32(r.checksumCRC32()).build());
      }
      call(object, "write", () -> sync.completeMultipartUpload(b -> b.bucket(object.bucket()).key(object.key())
          .uploadId(uploadId).multipartUpload(m -> m.parts(parts))));
    } catch (IOException | RuntimeException e) {
      try {
        sync.abortMultipartUpload(b -> b.bucket(object.bucket()).key(object.key()).uploadId(uploadId));
      } catch (RuntimeException abort) {
        e.addSuppressed(abort);
      }
      throw e;
    }
    return new Uploaded(object.key(), size, sha);
  }

  /** Writes a small object in one request (the commit record, manifests, ledgers). */
  public void put(S3Uri object, byte[] bytes, String contentType) {
    call(object, "write", () -> sync.putObject(b -> b.bucket(object.bucket()).key(object.key())
        .contentType(contentType).checksumAlgorithm(ChecksumAlgorithm.CRC32), RequestBody.fromBytes(bytes)));
  }

  /** Deletes the given keys of a bucket (batches of 1,000, S3's limit per request). */
  public void delete(String bucket, List<String> keys) {
    for (int i = 0; i < keys.size(); i += 1000) {
      List<ObjectIdentifier> ids = keys.subList(i, Math.min(keys.size(), i + 1000)).stream()
          .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
      call(new S3Uri(bucket, ""), "delete in", () -> sync.deleteObjects(b -> b.bucket(bucket)
          .delete(Delete.builder().objects(ids).quiet(true).build())));
    }
  }

  /** What {@link #deletePrefix} did: keys deleted, and one {@code "key: Code message"} per key S3 refused. */
  public record DeletedPrefix(int deleted, List<String> errors) {}

  /**
   * Deletes every object under {@code prefix}, which must end with '/' (so {@code job-1/} never
   * takes {@code job-10/...}): the ListObjectsV2 paginator's pages (at most 1,000 keys each, S3's
   * limit per DeleteObjects) each become one DeleteObjects. Per-key refusals are collected, not
   * thrown; a failed request (bucket gone, access denied to list) is.
   */
  public DeletedPrefix deletePrefix(S3Uri prefix) {
    if (prefix.key().isEmpty() || !prefix.key().endsWith("/")) {
      throw new IllegalArgumentException("refusing to delete under " + prefix + ": expected a folder prefix ending in '/'");
    }
    int[] deleted = {0};
    List<String> errors = new ArrayList<>();
    call(prefix, "delete in", () -> {
      for (var page : sync.listObjectsV2Paginator(b -> b.bucket(prefix.bucket()).prefix(prefix.key()))) {
        List<ObjectIdentifier> ids = page.contents().stream()
            .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList();
        if (ids.isEmpty()) {
          continue;
        }
        var r = sync.deleteObjects(b -> b.bucket(prefix.bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
        r.errors().forEach(e -> errors.add(e.key() + ": " + e.code() + " " + e.message()));
        deleted[0] += ids.size() - r.errors().size();
      }
      return null;
    });
    return new DeletedPrefix(deleted[0], List.copyOf(errors));
  }

  /**
   * Checks, before any work starts, that outputs can be written under {@code prefix}: the bucket
   * exists and accepts a write (a probe object, deleted again). One line naming the bucket if not.
   */
  public void checkWritable(S3Uri prefix) {
    S3Uri probe = prefix.resolve(WRITE_PROBE);
    put(probe, new byte[0], "application/octet-stream");
    call(probe, "delete", () -> sync.deleteObject(b -> b.bucket(probe.bucket()).key(probe.key())));
  }

  /** A time-limited GET URL of an object (FFmpeg reads a video's header through it, see batch submit). */
  public java.net.URL presignGet(S3Uri object, java.time.Duration validFor) {
    try (software.amazon.awssdk.services.s3.presigner.S3Presigner p = presigner()) {
      return p.presignGetObject(b -> b.signatureDuration(validFor)
          .getObjectRequest(g -> g.bucket(object.bucket()).key(object.key()))).url();
    }
  }

  private software.amazon.awssdk.services.s3.presigner.S3Presigner presigner() {
    var b = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
        .region(software.amazon.awssdk.regions.Region.of(region))
        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
            .pathStyleAccessEnabled(settings.s3PathStyle()).build());
    settings.endpoint("S3").ifPresent(b::endpointOverride);
    return b.build();
  }

  public String region() {
    return region;
  }

  @Override
  public void close() {
    sync.close();
  }

  private interface SdkCall<T> {
    T run();
  }

  private <T> T call(S3Uri where, String action, SdkCall<T> c) {
    try {
      return c.run();
    } catch (S3Exception e) {
      throw translate(e, where, action);
    } catch (SdkClientException e) {
      throw clientProblem(e);
    }
  }

  /** A missing bucket/object or a refused request is the user's input; throttling and 5xx are not. */
  private RuntimeException translate(S3Exception e, S3Uri where, String action) {
    int status = e.statusCode();
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    if (e instanceof NoSuchBucketException || "NoSuchBucket".equals(code)) {
      return new InvalidInputException("S3 bucket '" + where.bucket() + "' does not exist (region "
          + region + "); expected an existing bucket for " + where, e);
    }
    if (e instanceof NoSuchKeyException || status == 404) {
      return new InvalidInputException("S3 object not found: " + where + " (expected an existing object)", e);
    }
    if (status == 403 || "AccessDenied".equals(code) || "InvalidAccessKeyId".equals(code)
        || "SignatureDoesNotMatch".equals(code)) {
      return new InvalidInputException("access denied to " + action + " " + where + " (" + code
          + "); expected credentials allowed to " + action + " it", e);
    }
    if (status == 301 || "PermanentRedirect".equals(code) || "AuthorizationHeaderMalformed".equals(code)) {
      return new InvalidInputException("S3 bucket '" + where.bucket() + "' is not in region " + region
          + " (" + code + "); expected AWS_REGION to name the bucket's region", e);
    }
    return e;
  }

  /** An SDK client-side failure as the user should read it: missing credentials are their input. */
  public static RuntimeException clientProblem(SdkClientException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("credentials") || m.contains("Credentials")) {
      return new InvalidInputException("no AWS credentials found (expected AWS_ACCESS_KEY_ID and"
          + " AWS_SECRET_ACCESS_KEY, an AWS profile, or an instance/task role)", e);
    }
    return e;
  }

  static String contentType(Path file) {
    String n = file.getFileName().toString();
    if (n.endsWith(".mp4")) {
      return "video/mp4";
    } else if (n.endsWith(".json")) {
      return "application/json";
    } else if (n.endsWith(".jsonl")) {
      return "application/x-ndjson";
    } else if (n.endsWith(".jpg")) {
      return "image/jpeg";
    } else if (n.endsWith(".vtt")) {
      return "text/vtt";
    }
    return "text/plain";
  }

  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
