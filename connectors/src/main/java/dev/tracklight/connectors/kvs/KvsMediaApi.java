package dev.tracklight.connectors.kvs;

import dev.tracklight.connectors.s3.AwsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideo.model.GetDataEndpointRequest;
import software.amazon.awssdk.services.kinesisvideomedia.KinesisVideoMediaClient;
import software.amazon.awssdk.services.kinesisvideomedia.model.GetMediaRequest;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelector;
import software.amazon.awssdk.services.kinesisvideomedia.model.StartSelectorType;

/**
 * GetMedia through the AWS SDK v2: GetDataEndpoint(GET_MEDIA) on the control plane (region from the
 * camera, endpoint override {@code AWS_ENDPOINT_URL_KINESIS_VIDEO} / {@code AWS_ENDPOINT_URL} as the
 * other AWS clients here), then GetMedia on the data endpoint, or on the camera's
 * {@code kvs.endpoint} when set. Credentials come from the default chain and never reach a log.
 *
 * <p>The media client is built per data endpoint and kept; the data endpoint is asked again on
 * every connection (the service may move a stream). Used by one reader thread; {@link #close()}
 * from any thread.
 */
public final class KvsMediaApi implements KvsMedia {

  private final KvsCamera camera;
  private final Duration readTimeout;
  private final KinesisVideoClient control;
  private KinesisVideoMediaClient media;
  private URI mediaEndpoint;

  /**
   * @param readTimeout how long a GetMedia read may wait for bytes before the connection counts as
   *     hung (the service sends a fragment every few seconds on a live stream)
   */
  public KvsMediaApi(KvsCamera camera, AwsSettings aws, Duration readTimeout) {
    this.camera = camera;
    this.readTimeout = readTimeout;
    var builder = KinesisVideoClient.builder().region(Region.of(camera.region()))
        .httpClientBuilder(ApacheHttpClient.builder());
    aws.endpoint("KINESIS_VIDEO").ifPresent(builder::endpointOverride);
    this.control = builder.build();
  }

  @Override
  public synchronized InputStream getMedia(KvsSelector selector) throws IOException {
    try {
      var endpointRequest = GetDataEndpointRequest.builder().apiName(APIName.GET_MEDIA);
      var mediaRequest = GetMediaRequest.builder().startSelector(startSelector(selector));
      if (camera.streamArn() != null) {
        endpointRequest.streamARN(camera.streamArn());
        mediaRequest.streamARN(camera.streamArn());
      } else {
        endpointRequest.streamName(camera.streamName());
        mediaRequest.streamName(camera.streamName());
      }
      String dataEndpoint = control.getDataEndpoint(endpointRequest.build()).dataEndpoint();
      URI endpoint = URI.create(camera.endpoint().orElse(dataEndpoint));
      if (media == null || !endpoint.equals(mediaEndpoint)) {
        if (media != null) {
          media.close();
        }
        media = KinesisVideoMediaClient.builder().region(Region.of(camera.region())).endpointOverride(endpoint)
            .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(readTimeout)).build();
        mediaEndpoint = endpoint;
      }
      return media.getMedia(mediaRequest.build());
    } catch (SdkException e) {
      throw new IOException(e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()), e);
    }
  }

  static StartSelector startSelector(KvsSelector s) {
    StartSelector.Builder b = StartSelector.builder();
    switch (s.type()) {
      case NOW -> b.startSelectorType(StartSelectorType.NOW);
      case EARLIEST -> b.startSelectorType(StartSelectorType.EARLIEST);
      case PRODUCER_TIMESTAMP -> b.startSelectorType(StartSelectorType.PRODUCER_TIMESTAMP).startTimestamp(s.at());
      case FRAGMENT_NUMBER -> b.startSelectorType(StartSelectorType.FRAGMENT_NUMBER).afterFragmentNumber(s.value());
      case CONTINUATION_TOKEN -> b.startSelectorType(StartSelectorType.CONTINUATION_TOKEN).continuationToken(s.value());
    }
    return b.build();
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  @Override
  public synchronized void close() {
    if (media != null) {
      media.close();
    }
    control.close();
  }
}
