package dev.tracklight.inference.model;

import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a registered model from its upstream URL into the user cache.
 *
 * <p><b>Atomicity.</b> The body streams into a hidden temporary file in the cache directory (same
 * file system, so the final rename is atomic), is checked against the Content-Length, the
 * registered size and the registered SHA-256 where known, and only then renamed to its final name.
 * On any failure the temporary file is deleted: the cache never holds a partial model under a name
 * the registry would pick up.
 *
 * <p>The HTTP client is injected (tests serve files from a local server); redirects must be
 * followed by it, since GitHub release assets redirect to a CDN. Stateless apart from its
 * configuration; safe to share.
 */
public final class ModelFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);

  /** Generous for a few-MB model on a slow link, yet bounded so a stalled server fails the fetch. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  /** Connecting should be quick; a dead host should fail within seconds, not minutes. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

  private final HttpClient client;
  private final Path cacheDir;
  private final Duration timeout;

  public ModelFetcher(HttpClient client, Path cacheDir, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
  }

  /** A fetcher into the registry's cache with a redirect-following default client. */
  public static ModelFetcher forRegistry(ModelRegistry registry) {
    HttpClient client = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(CONNECT_TIMEOUT)
        .build();
    return new ModelFetcher(client, registry.cacheDir(), DEFAULT_TIMEOUT);
  }

  /**
   * Downloads {@code model} from its registered upstream URL.
   *
   * @return the cached file
   * @throws InvalidInputException if the model has no public download
   * @throws ModelFetchException if the download fails or does not verify
   */
  public Path fetch(RegisteredModel model) {
    RegisteredModel.Download download = model.downloadInfo().orElseThrow(() ->
        new InvalidInputException("model '" + model.name() + "' has no public download ("
            + model.license() + "); place " + model.fileNames().get(0) + " in $"
            + ModelRegistry.ASSETS_ENV + "/models or " + cacheDir));
    return fetch(model, download.url());
  }

  /** Downloads {@code model}'s registered file from {@code source} instead of its upstream URL. */
  public Path fetch(RegisteredModel model, URI source) {
    RegisteredModel.Download download = model.downloadInfo().orElse(
        new RegisteredModel.Download(source, model.fileNames().get(0), 0, null));
    try {
      Files.createDirectories(cacheDir);
    } catch (IOException e) {
      throw new ModelFetchException("cannot create the model cache " + cacheDir + ": " + e.getMessage(), e);
    }
    Path target = cacheDir.resolve(download.fileName());
    Path temp = null;
    try {
      temp = Files.createTempFile(cacheDir, "." + download.fileName() + ".", ".part");
      HttpRequest request = HttpRequest.newBuilder(source).timeout(timeout).GET().build();
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      long received;
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new ModelFetchException("downloading " + model.name() + " from " + source
              + " failed: HTTP " + response.statusCode() + "; nothing was saved");
        }
        try (OutputStream out = Files.newOutputStream(temp)) {
          received = copy(body, out, sha256);
        }
      }
      long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (announced >= 0 && received != announced) {
        throw new ModelFetchException("downloading " + model.name() + " from " + source
            + " was cut short: got " + received + " of " + announced + " bytes; nothing was saved");
      }
      if (received == 0) {
        throw new ModelFetchException("downloading " + model.name() + " from " + source
            + " returned an empty file; nothing was saved");
      }
      if (download.expectedBytes() > 0 && received != download.expectedBytes()) {
        throw new ModelFetchException(model.name() + " from " + source + " has " + received
            + " bytes, expected " + download.expectedBytes() + "; nothing was saved");
      }
      String digest = HexFormat.of().formatHex(sha256.digest());
      if (download.sha256() != null && !download.sha256().equalsIgnoreCase(digest)) {
        throw new ModelFetchException(model.name() + " from " + source + " has SHA-256 " + digest
            + ", expected " + download.sha256() + "; nothing was saved");
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      return target;
    } catch (ConnectException e) {
      throw new ModelFetchException("cannot connect to " + source.getHost()
          + (source.getPort() > 0 ? ":" + source.getPort() : "") + " to download " + model.name()
          + " (connection refused or host unreachable); check the network, or copy "
          + download.fileName() + " into " + cacheDir, e);
    } catch (HttpTimeoutException e) {
      throw new ModelFetchException("downloading " + model.name() + " from " + source
          + " timed out after " + timeout.toSeconds() + " s; nothing was saved", e);
    } catch (IOException e) {
      throw new ModelFetchException("downloading " + model.name() + " from " + source + " failed: "
          + e + "; nothing was saved", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelFetchException("download of " + model.name() + " was interrupted", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // Not rethrown: it would mask the real failure. A leftover hidden .part file is never
          // picked up by the registry (it only looks for the registered file names).
          LOG.warn("cannot delete partial download {}: {}", temp, e.toString());
        }
      }
    }
  }

  private static long copy(InputStream in, OutputStream out, MessageDigest digest) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      out.write(buffer, 0, n);
      digest.update(buffer, 0, n);
      total += n;
    }
    return total;
  }
}
