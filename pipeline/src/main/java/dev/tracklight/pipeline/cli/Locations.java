package dev.tracklight.pipeline.cli;

import dev.tracklight.connectors.kvs.KvsArchive;
import dev.tracklight.connectors.kvs.KvsArchiveReader;
import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.s3.S3Storage;
import dev.tracklight.connectors.s3.S3Uri;
import dev.tracklight.inference.DetectorOptions;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CLI's paths, local or {@code s3://}: S3 inputs (globs expanded by a paginated listing) are
 * downloaded once into a scratch folder, and an S3 {@code --out} is written locally first and
 * uploaded by the command. Every output location is checked before the job starts.
 *
 * A Kinesis Video stream ({@code kvs://NAME} or its ARN) is an input too: its fragments between
 * two producer times are downloaded into one archive body ({@code NAME.kvs}) that the replay's
 * source reads ({@link KvsArchiveReader}).
 *
 * <p>Owns the scratch folder ({@code $TRACKLIGHT_SCRATCH}, else the system temp folder) and the S3
 * client, created on first use; {@link #close()} deletes the one and closes the other.
 */
final class Locations implements AutoCloseable {

  private final AwsSettings aws;
  private final Path scratchRoot;
  private Path scratch;
  private S3Storage s3;
  private final Map<S3Uri, Path> downloaded = new LinkedHashMap<>();
  private int outFiles;
  private int archives;

  Locations(AwsSettings aws, Path scratchRoot) {
    this.aws = aws;
    this.scratchRoot = scratchRoot;
  }

  static Locations fromEnvironment() {
    String dir = System.getenv("TRACKLIGHT_SCRATCH");
    return new Locations(AwsSettings.fromEnvironment(),
        Path.of(dir != null && !dir.isBlank() ? dir : System.getProperty("java.io.tmpdir")));
  }

  /** An output root: where the job writes, and the S3 prefix it is uploaded to afterwards, if any. */
  record Out(Path local, Optional<S3Uri> s3) {}

  /** The S3 client (created on first use). */
  S3Storage s3() {
    if (s3 == null) {
      s3 = new S3Storage(aws);
    }
    return s3;
  }

  /** Local video files for the given arguments: local paths as given, S3 objects and globs downloaded. */
  List<Path> videos(List<String> args) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String a : args) {
      if (!S3Uri.isS3(a)) {
        out.add(Path.of(a));
        continue;
      }
      for (S3Storage.ObjectInfo o : s3().list(S3Uri.parse(a))) {
        out.add(fetch(o.uri()));
      }
    }
    return out;
  }

  /**
   * Downloads {@code stream}'s fragments with a producer time in {@code [from, to]} (ListFragments,
   * producer-time order, then GetMediaForFragmentList) into {@code NAME.kvs} in the scratch folder.
   *
   * @throws InvalidInputException for an unknown stream or a range without fragments
   */
  Path kvsArchive(KvsCamera stream, Instant from, Instant to) throws IOException {
    try (KvsArchive archive = new KvsArchive(stream, aws)) {
      List<KvsArchive.Fragment> fragments = archive.list(from, to);
      if (fragments.isEmpty()) {
        throw new InvalidInputException(stream.label() + " has no fragments with a producer time from " + from
            + " to " + to + "; expected a range the stream's archive covers");
      }
      Path target = scratch().resolve("kvs").resolve(Integer.toString(archives++))
          .resolve(stream.streamName() + KvsArchiveReader.EXTENSION);
      Files.createDirectories(target.getParent());
      archive.download(fragments, target);
      return target;
    }
  }

  /** A local copy of one input file (rules, model, configuration); local paths as given. */
  Path file(String arg) throws IOException {
    if (arg == null || !S3Uri.isS3(arg)) {
      return arg == null ? null : Path.of(arg);
    }
    S3Uri uri = S3Uri.parse(arg);
    if (uri.isGlob()) {
      throw new InvalidInputException("a glob is not allowed here: " + arg + " (expected one object)");
    }
    return fetch(uri);
  }

  /**
   * The options with an {@code s3://} model file replaced by its downloaded copy (the file name,
   * hence the format by its extension, is kept); registered names and local paths as given.
   */
  DetectorOptions localModel(DetectorOptions o) throws IOException {
    if (!S3Uri.isS3(o.model())) {
      return o;
    }
    return new DetectorOptions(file(o.model()).toString(), o.engine(), o.device(), o.confidenceThreshold(),
        o.iouThreshold(), o.classes(), o.family(), o.inputSize(), o.classNames(), o.maxBatch(), o.maxDetections(),
        o.threads(), o.inputShape());
  }

  /**
   * A single output file: a local path (its folder created), or an S3 object written locally
   * first and uploaded by the command when its work succeeded. The bucket is checked for writes
   * now, before any work.
   */
  record OutFile(Path local, Optional<S3Uri> s3) {}

  OutFile outFile(String option, String arg) throws IOException {
    if (!S3Uri.isS3(arg)) {
      return new OutFile(Path.of(arg), Optional.empty());
    }
    S3Uri object = S3Uri.parse(arg);
    if (object.isGlob() || object.key().isEmpty() || object.key().endsWith("/")) {
      throw new InvalidInputException(option + " " + arg + " is not an S3 object key; expected s3://bucket/key");
    }
    s3().checkWritable(new S3Uri(object.bucket(), object.key().substring(0, object.key().lastIndexOf('/') + 1)));
    Path local = scratch().resolve("files").resolve(Integer.toString(outFiles++)).resolve(object.fileName());
    Files.createDirectories(local.getParent());
    return new OutFile(local, Optional.of(object));
  }

  /**
   * Checks an output root before any work: a local folder that is not a file and may be written
   * (created if missing), or an S3 prefix whose bucket exists and accepts a write.
   */
  Out out(String arg) throws IOException {
    if (S3Uri.isS3(arg)) {
      S3Uri prefix = S3Uri.parse(arg).asPrefix();
      if (prefix.isGlob()) {
        throw new InvalidInputException("--out " + arg + " is a glob; expected an S3 prefix");
      }
      s3().checkWritable(prefix);
      return new Out(scratch().resolve("out"), Optional.of(prefix));
    }
    Path dir = Path.of(arg);
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException("--out " + dir + " is a file; expected a directory (existing or new)");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InvalidInputException("--out " + dir + " cannot be created (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + "); expected a writable directory");
    }
    if (!Files.isWritable(dir)) {
      throw new InvalidInputException("--out " + dir + " is not writable; expected a writable directory");
    }
    return new Out(dir, Optional.empty());
  }

  /** The S3 object a staged local file was downloaded from. */
  Optional<S3Uri> origin(Path local) {
    return downloaded.entrySet().stream().filter(e -> e.getValue().equals(local)).map(Map.Entry::getKey).findFirst();
  }

  private Path fetch(S3Uri uri) throws IOException {
    Path have = downloaded.get(uri);
    if (have != null) {
      return have;
    }
    // One folder per object keeps its file name (the camera id and output folder derive from it).
    Path target = scratch().resolve("in").resolve(Integer.toString(downloaded.size())).resolve(uri.fileName());
    s3().download(uri, target);
    downloaded.put(uri, target);
    return target;
  }

  Path scratch() throws IOException {
    if (scratch == null) {
      Files.createDirectories(scratchRoot);
      scratch = Files.createTempDirectory(scratchRoot, "tracklight-");
    }
    return scratch;
  }

  @Override
  public void close() {
    try {
      if (scratch != null) {
        try (Stream<Path> walk = Files.walk(scratch)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }
}
