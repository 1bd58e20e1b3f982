package dev.tracklight.pipeline.kvs;

import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.connectors.testing.KvsTestServer;
import dev.tracklight.inference.TestAssets;
import dev.tracklight.pipeline.batch.MotoServer;
import java.util.List;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesisvideo.KinesisVideoClient;

/**
 * The KVS test setup of the pipeline's tests: moto_server for the control plane (CreateStream,
 * GetDataEndpoint), the SDK pointed at it through the standard system properties, and
 * {@link KvsTestServer} serving the real captures as the media endpoint.
 */
public final class KvsStreams implements AutoCloseable {

  public final MotoServer moto;
  public final KvsTestServer media;
  public final List<KvsCapture.Fragment> cars;
  public final List<KvsCapture.Fragment> sparse;

  private KvsStreams(MotoServer moto, KvsTestServer media) throws Exception {
    this.moto = moto;
    this.media = media;
    this.cars = KvsCapture.read(TestAssets.file("kvs/output_get_media.mkv"));
    this.sparse = KvsCapture.read(TestAssets.file("kvs/output_get_media_sparse_fragments.mkv"));
  }

  public static KvsStreams start() throws Exception {
    MotoServer moto = MotoServer.start();
    moto.setSystemProperties(MotoServer.REGION);
    return new KvsStreams(moto, KvsTestServer.start());
  }

  /** Creates {@code name} on moto and serves {@code fragments} as its media. */
  public KvsStreams stream(String name, List<KvsCapture.Fragment> fragments) {
    try (KinesisVideoClient kvs = KinesisVideoClient.builder().region(Region.of(MotoServer.REGION)).build()) {
      kvs.createStream(b -> b.streamName(name).dataRetentionInHours(24));
    }
    media.stream(name, fragments);
    return this;
  }

  @Override
  public void close() {
    media.close();
    moto.close();
    for (String p : List.of("aws.endpointUrl", "aws.region", "aws.accessKeyId", "aws.secretAccessKey",
        "aws.sessionToken", "aws.disableEc2Metadata")) {
      System.clearProperty(p);
    }
  }
}
