package dev.tracklight.connectors.s3;

import dev.tracklight.inference.InvalidInputException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The standard AWS configuration and nothing else: the default credentials chain and region
 * chain, and the standard endpoint variables {@code AWS_ENDPOINT_URL_<SERVICE>} (e.g.
 * {@code AWS_ENDPOINT_URL_S3}) over {@code AWS_ENDPOINT_URL} for S3-compatible stores, LocalStack or
 * moto. S3 then uses path-style addressing, since such endpoints rarely resolve per-bucket host
 * names. The environment is passed in (tests and the worker's child processes use their own).
 */
public record AwsSettings(Map<String, String> env) {

  /**
   * The process environment, with the SDK's standard system properties ({@code aws.endpointUrl},
   * {@code aws.endpointUrlS3}, ...) taking precedence as the SDK gives them.
   */
  public static AwsSettings fromEnvironment() {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("aws.endpointUrl")) {
        String service = name.substring("aws.endpointUrl".length());
        env.put(service.isEmpty() ? "AWS_ENDPOINT_URL" : "AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT),
            System.getProperty(name));
      }
    }
    return new AwsSettings(Map.copyOf(env));
  }

  /** The endpoint override for a service ({@code "S3"}, {@code "BATCH"}, {@code "SQS"}), if one is set. */
  public Optional<URI> endpoint(String service) {
    String specific = env.get("AWS_ENDPOINT_URL_" + service.toUpperCase(Locale.ROOT));
    String general = env.get("AWS_ENDPOINT_URL");
    String value = specific != null && !specific.isBlank() ? specific : general;
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    try {
      URI uri = URI.create(value.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return Optional.of(uri);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("invalid AWS endpoint URL '" + value + "' (expected e.g. http://localhost:5000)");
    }
  }

  /** The region from the default chain (AWS_REGION, profile, instance metadata); one line if none. */
  public Region region() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new InvalidInputException("no AWS region configured (expected AWS_REGION, AWS_DEFAULT_REGION"
          + " or a region in the AWS profile)");
    }
  }

  /** Applies region and endpoint override to a client builder of {@code service}. */
  public <B extends AwsClientBuilder<B, ?>> B configure(B builder, String service) {
    builder.region(region());
    endpoint(service).ifPresent(builder::endpointOverride);
    return builder;
  }

  /** True when S3 must use path-style addressing (an endpoint override is set). */
  public boolean s3PathStyle() {
    return endpoint("S3").isPresent();
  }
}
