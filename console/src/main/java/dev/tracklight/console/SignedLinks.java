package dev.tracklight.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Links to a job's file that work without logging in, until they expire: the query carries the
 * expiry (epoch seconds) and an HMAC-SHA256 of job id, file name and expiry under the console's
 * secret. Changing the secret revokes every link.
 */
public final class SignedLinks {

  private final byte[] secret;
  private final Clock clock;

  public SignedLinks(byte[] secret, Clock clock) {
    if (secret.length < 32) {
      throw new IllegalArgumentException("link secret must be at least 32 bytes");
    }
    this.secret = secret.clone();
    this.clock = clock;
  }

  /** The query string ({@code exp=...&sig=...}) granting {@code file} of {@code job} for {@code ttl}. */
  public String query(String job, String file, Duration ttl) {
    long exp = clock.instant().plus(ttl).getEpochSecond();
    return "exp=" + exp + "&sig=" + sign(job, file, exp);
  }

  /** Whether the link's expiry and signature are valid now. */
  public boolean valid(String job, String file, String exp, String sig) {
    if (exp == null || sig == null) {
      return false;
    }
    long e;
    try {
      e = Long.parseLong(exp);
    } catch (NumberFormatException ex) {
      return false;
    }
    if (clock.instant().getEpochSecond() > e) {
      return false;
    }
    return MessageDigest.isEqual(sign(job, file, e).getBytes(StandardCharsets.US_ASCII),
        sig.getBytes(StandardCharsets.US_ASCII));
  }

  private String sign(String job, String file, long exp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] h = mac.doFinal((job + "\n" + file + "\n" + exp).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
