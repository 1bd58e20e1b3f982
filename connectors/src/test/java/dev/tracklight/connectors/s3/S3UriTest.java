package dev.tracklight.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracklight.inference.InvalidInputException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3UriTest {

  @Test
  void parsesLocationsAndPrefixes() {
    S3Uri u = S3Uri.parse("s3://cams/2026-12-01/a.mp4");
    assertEquals("cams", u.bucket());
    assertEquals("2026-12-01/a.mp4", u.key());
    assertEquals("a.mp4", u.fileName());
    assertEquals("s3://results/run-42/x/result.json", S3Uri.parse("s3://results/run-42").resolve("x/result.json").toString());
    assertEquals("run-42", S3Uri.parse("s3://results/run-42/").fileName());
    assertTrue(S3Uri.isS3("S3://a/b"));
    assertFalse(S3Uri.isS3("/tmp/s3://x"));
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> S3Uri.parse("s3://Bad_Bucket/x"));
    assertTrue(e.getMessage().contains("invalid S3 bucket name 'Bad_Bucket'"), e.getMessage());
  }

  @Test
  void globsMatchWithinSegmentsAndListOnlyTheirLiteralPrefix() {
    S3Glob g = S3Glob.of("2026-12-01/*.mp4");
    assertEquals("2026-12-01/", g.listPrefix());
    assertTrue(g.matches("2026-12-01/a.mp4"));
    assertFalse(g.matches("2026-12-01/sub/a.mp4"), "* stays within a segment");
    assertFalse(g.matches("2026-12-01/a.mp4.part"));
    S3Glob deep = S3Glob.of("cams/**/cam?.mp4");
    assertEquals("cams/", deep.listPrefix());
    assertTrue(deep.matches("cams/x/y/cam1.mp4"));
    assertFalse(deep.matches("cams/x/cam12.mp4"));
    assertTrue(S3Glob.of("a/[bc].mp4").matches("a/c.mp4"));
    assertTrue(S3Glob.of("a+b/(1).mp4").matches("a+b/(1).mp4"), "regex characters are literal");
  }

  @Test
  void endpointVariablesAreTheStandardOnes() {
    AwsSettings s = new AwsSettings(Map.of("AWS_ENDPOINT_URL", "http://localhost:5000",
        "AWS_ENDPOINT_URL_S3", "http://localhost:9000"));
    assertEquals("http://localhost:9000", s.endpoint("S3").orElseThrow().toString());
    assertEquals("http://localhost:5000", s.endpoint("BATCH").orElseThrow().toString());
    assertTrue(s.s3PathStyle());
    assertFalse(new AwsSettings(Map.of()).s3PathStyle(), "AWS itself: virtual-hosted addressing");
    assertThrows(InvalidInputException.class, () -> new AwsSettings(Map.of("AWS_ENDPOINT_URL", "localhost")).endpoint("S3"));
  }
}
