package dev.tracklight.pipeline.config;

import java.util.regex.Pattern;

/** Hides passwords in camera URLs before they reach a message: {@code rtsp://user:***@host/...}. */
final class CredentialRedaction {

  private static final Pattern USERINFO_PASSWORD = Pattern.compile("(://[^/:@\\s]*:)[^@/\\s]*@");
  private static final Pattern QUERY_SECRET =
      Pattern.compile("(?i)([?&](?:password|passwd|pwd|token|key|secret)=)[^&\\s]*");

  private CredentialRedaction() {}

  static String redact(String url) {
    String s = USERINFO_PASSWORD.matcher(url).replaceAll("$1***@");
    return QUERY_SECRET.matcher(s).replaceAll("$1***");
  }
}
