package dev.tracklight.connectors.s3;

import dev.tracklight.inference.InvalidInputException;
import java.util.regex.Pattern;

/**
 * An {@code s3://bucket/key} location. The key may be empty (a bucket root) and may hold glob
 * characters ({@code *}, {@code ?}, {@code **}) where a command accepts several objects.
 */
public record S3Uri(String bucket, String key) {

  public static final String SCHEME = "s3://";

  public S3Uri {
    if (bucket == null || bucket.isEmpty()) {
      throw new InvalidInputException("S3 location without a bucket; expected s3://bucket/key");
    }
    key = key == null ? "" : key;
  }

  /** True for strings that name an S3 location (the CLI accepts them wherever it accepts a path). */
  public static boolean isS3(String location) {
    return location != null && location.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
  }

  /** Parses {@code s3://bucket/key}; one clear line if it is not one. */
  public static S3Uri parse(String location) {
    if (!isS3(location)) {
      throw new InvalidInputException("not an S3 location: " + location + " (expected s3://bucket/key)");
    }
    String rest = location.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (!Pattern.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]", bucket)) {
      throw new InvalidInputException("invalid S3 bucket name '" + bucket + "' in " + location
          + " (expected 3-63 lower-case letters, digits, dots or hyphens)");
    }
    return new S3Uri(bucket, key);
  }

  /** True if the key holds glob characters (then it names objects by pattern, see {@link S3Glob}). */
  public boolean isGlob() {
    return key.indexOf('*') >= 0 || key.indexOf('?') >= 0 || key.indexOf('[') >= 0;
  }

  /** This location treated as a folder: the key with exactly one trailing slash (none at the root). */
  public S3Uri asPrefix() {
    if (key.isEmpty() || key.endsWith("/")) {
      return this;
    }
    return new S3Uri(bucket, key + "/");
  }

  /** {@code name} under this location as a folder. */
  public S3Uri resolve(String name) {
    return new S3Uri(bucket, asPrefix().key + name);
  }

  /** The last path segment of the key (the object's file name). */
  public String fileName() {
    String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
    return k.substring(k.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
