package dev.tracklight.connectors.kvs;

import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.inference.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;
import software.amazon.awssdk.services.kinesisvideo.model.APIName;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.KinesisVideoArchivedMediaClient;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.FragmentSelectorType;
import software.amazon.awssdk.services.kinesisvideoarchivedmedia.model.ListFragmentsResponse;

/**
 * A Kinesis Video stream's archive between two producer times, fetched for a replay: ListFragments
 * (PRODUCER_TIMESTAMP range, every page), the fragments put in producer-time order (the service
 * lists them in no particular order), then GetMediaForFragmentList in batches, the bodies written
 * one after the other into one MKV file (one segment per fragment, as GetMedia sends them), which
 * the replay reads with {@link KvsArchiveReader} (FFmpeg's demuxer stops between the segments).
 *
 * <p>Endpoints as {@link KvsMediaApi}: control plane from the standard variables, archived-media
 * endpoint from GetDataEndpoint or the camera's {@code endpoint}. Not thread-safe.
 */
public final class KvsArchive implements AutoCloseable {

  /** The service's limit of fragments per GetMediaForFragmentList. */
  static final int MAX_FRAGMENTS_PER_REQUEST = 1000;

  /** One listed fragment. */
  public record Fragment(String number, long producerMs, long lengthMs) {}

  private final KvsCamera camera;
  private final KinesisVideoClient control;
  private KinesisVideoArchivedMediaClient archived;

  public KvsArchive(KvsCamera camera, AwsSettings aws) {
    this.camera = camera;
    var builder = KinesisVideoClient.builder().region(Region.of(camera.region()))
        .httpClientBuilder(ApacheHttpClient.builder());
    aws.endpoint("KINESIS_VIDEO").ifPresent(builder::endpointOverride);
    this.control = builder.build();
  }

  /** The fragments with a producer time in {@code [from, to]}, in producer-time order. */
  public List<Fragment> list(Instant from, Instant to) throws IOException {
    if (!from.isBefore(to)) {
      throw new InvalidInputException("--from " + from + " is not before --to " + to);
    }
    try {
      List<Fragment> out = new ArrayList<>();
      String next = null;
      do {
        String token = next;
        ListFragmentsResponse page = client(APIName.LIST_FRAGMENTS).listFragments(b -> {
          stream(b::streamName, b::streamARN);
          if (token != null) {
            b.nextToken(token);
          }
          b.fragmentSelector(s -> s.fragmentSelectorType(FragmentSelectorType.PRODUCER_TIMESTAMP)
              .timestampRange(r -> r.startTimestamp(from).endTimestamp(to)));
        });
        page.fragments().forEach(f -> out.add(new Fragment(f.fragmentNumber(), f.producerTimestamp().toEpochMilli(),
            f.fragmentLengthInMilliseconds() == null ? 0 : f.fragmentLengthInMilliseconds())));
        next = page.nextToken();
      } while (next != null && !next.isEmpty());
      out.sort(Comparator.comparingLong(Fragment::producerMs).thenComparing(Fragment::number));
      return out;
    } catch (SdkException e) {
      if (e instanceof AwsServiceException service && service.awsErrorDetails() != null
          && "ResourceNotFoundException".equals(service.awsErrorDetails().errorCode())) {
        // GetDataEndpoint or ListFragments: the stream does not exist (in this region): bad input.
        throw new InvalidInputException(camera.label() + " is not a Kinesis Video stream in " + camera.region()
            + " (" + firstLine(service.awsErrorDetails().errorMessage()) + ")", e);
      }
      throw new IOException(camera.label() + ": ListFragments failed: " + firstLine(e.getMessage()), e);
    }
  }

  /** Writes the media of {@code fragments}, in the given order, to {@code file}. */
  public void download(List<Fragment> fragments, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < fragments.size(); i += MAX_FRAGMENTS_PER_REQUEST) {
        List<String> numbers = fragments.subList(i, Math.min(fragments.size(), i + MAX_FRAGMENTS_PER_REQUEST))
            .stream().map(Fragment::number).toList();
        try (InputStream body = client(APIName.GET_MEDIA_FOR_FRAGMENT_LIST).getMediaForFragmentList(b -> {
          stream(b::streamName, b::streamARN);
          b.fragments(numbers);
        })) {
          body.transferTo(out);
        } catch (SdkException e) {
          throw new IOException(camera.label() + ": GetMediaForFragmentList failed: " + firstLine(e.getMessage()), e);
        }
      }
    }
  }

  private void stream(java.util.function.Consumer<String> name, java.util.function.Consumer<String> arn) {
    if (camera.streamArn() != null) {
      arn.accept(camera.streamArn());
    } else {
      name.accept(camera.streamName());
    }
  }

  private KinesisVideoArchivedMediaClient client(APIName api) {
    if (archived == null) {
      String endpoint = camera.endpoint().orElseGet(() -> control.getDataEndpoint(b -> {
        stream(b::streamName, b::streamARN);
        b.apiName(api);
      }).dataEndpoint());
      archived = KinesisVideoArchivedMediaClient.builder().region(Region.of(camera.region()))
          .endpointOverride(URI.create(endpoint)).httpClientBuilder(ApacheHttpClient.builder()).build();
    }
    return archived;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  @Override
  public void close() {
    if (archived != null) {
      archived.close();
    }
    control.close();
  }
}
