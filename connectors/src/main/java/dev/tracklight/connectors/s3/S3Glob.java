package dev.tracklight.connectors.s3;

import java.util.regex.Pattern;

/**
 * A glob over object keys, as a shell user expects: {@code *} and {@code ?} stay within one path
 * segment ({@code /}), {@code **} crosses segments, {@code [abc]} is a character class. Listing
 * starts at the literal prefix before the first glob character, so a glob over one day's folder
 * lists that folder only.
 */
public record S3Glob(String listPrefix, Pattern pattern) {

  public static S3Glob of(String keyGlob) {
    int first = firstGlobChar(keyGlob);
    String prefix = first < 0 ? keyGlob : keyGlob.substring(0, first);
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < keyGlob.length(); i++) {
      char c = keyGlob.charAt(i);
      if (c == '*') {
        if (i + 1 < keyGlob.length() && keyGlob.charAt(i + 1) == '*') {
          re.append(".*");
          i++;
        } else {
          re.append("[^/]*");
        }
      } else if (c == '?') {
        re.append("[^/]");
      } else if (c == '[') {
        int end = keyGlob.indexOf(']', i + 1);
        if (end < 0) {
          re.append("\\[");
        } else {
          re.append('[').append(keyGlob, i + 1, end).append(']');
          i = end;
        }
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new S3Glob(prefix, Pattern.compile(re.toString()));
  }

  public boolean matches(String key) {
    return pattern.matcher(key).matches();
  }

  private static int firstGlobChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[') {
        return i;
      }
    }
    return -1;
  }
}
