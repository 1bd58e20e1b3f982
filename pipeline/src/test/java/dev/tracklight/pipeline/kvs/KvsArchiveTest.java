package dev.tracklight.pipeline.kvs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracklight.connectors.kvs.KvsArchive;
import dev.tracklight.connectors.kvs.KvsCamera;
import dev.tracklight.connectors.s3.AwsSettings;
import dev.tracklight.connectors.testing.KvsCapture;
import dev.tracklight.inference.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive of a KVS stream (ListFragments, listed by the server in reverse order, and
 * GetMediaForFragmentList) through the SDK, control plane on moto: the fragments of a producer-time
 * range come in producer-time order and their media byte for byte; an unknown stream is bad input.
 */
class KvsArchiveTest {

  @TempDir
  Path tmp;

  @Test
  void listsInProducerTimeOrderAndDownloadsByteForByte() throws Exception {
    try (KvsStreams kvs = KvsStreams.start()) {
      kvs.stream("archive", kvs.sparse);
      KvsCamera camera = KvsCamera.of("kvs://archive", "us-east-1", "earliest", kvs.media.endpoint());
      try (KvsArchive archive = new KvsArchive(camera, AwsSettings.fromEnvironment())) {
        List<KvsArchive.Fragment> all = archive.list(Instant.parse("2017-11-28T06:55:00Z"),
            Instant.parse("2017-11-28T07:00:00Z"));
        assertEquals(kvs.sparse.stream().map(KvsCapture.Fragment::number).toList(),
            all.stream().map(KvsArchive.Fragment::number).toList());
        assertEquals(kvs.sparse.get(1).producerMs(), all.get(1).producerMs());
        Path file = tmp.resolve("archive.mkv");
        archive.download(all, file);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        kvs.sparse.forEach(f -> expected.writeBytes(f.bytes()));
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));

        List<KvsArchive.Fragment> first = archive.list(Instant.parse("2017-11-28T06:55:08Z"),
            Instant.ofEpochMilli(kvs.sparse.get(1).producerMs() - 1));
        assertEquals(List.of(kvs.sparse.get(0).number()), first.stream().map(KvsArchive.Fragment::number).toList());
      }
      KvsCamera missing = KvsCamera.of("kvs://nothing-here", "us-east-1", "earliest", kvs.media.endpoint());
      try (KvsArchive archive = new KvsArchive(missing, AwsSettings.fromEnvironment())) {
        assertThrows(InvalidInputException.class, () -> archive.list(Instant.parse("2017-11-28T06:55:00Z"),
            Instant.parse("2017-11-28T07:00:00Z")));
      }
    }
  }
}
