package dev.tracklight.connectors.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Publishes the replayed videos {@link ReplayOutputSink}'s writers prepared, once the checkpoint
 * that recorded them is complete (or at the end of input when checkpointing is off): from then on
 * no restore goes back before the video's end. Flink keeps the committables in the committer's
 * state until they are committed and hands them over again after a restore;
 * {@link ReplayPublication#publish()} is idempotent, so a commit cut short is simply redone.
 *
 * <p>A publication that fails (disk full, folder removed) fails the job: its restore retries from
 * the committer's state, and nothing is reported done that is not on disk.
 */
final class ReplayOutputCommitter implements Committer<ReplayPublication> {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplayOutputCommitter.class);

  @Override
  public void commit(Collection<CommitRequest<ReplayPublication>> requests) {
    for (CommitRequest<ReplayPublication> request : requests) {
      ReplayPublication publication = request.getCommittable();
      if (publication.publish() == ReplayPublication.Outcome.ALREADY_PUBLISHED) {
        LOG.info("outputs of {} were published before the restore", publication.outputDir());
        request.signalAlreadyCommitted();
      }
    }
  }

  @Override
  public void close() {}

  /** Versioned encoding of {@link ReplayPublication}. */
  static final class Serializer implements SimpleVersionedSerializer<ReplayPublication> {

    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(ReplayPublication p) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(p.outputDir());
        out.writeInt(p.segments());
        out.writeInt(p.media().size());
        for (String entry : p.media()) {
          out.writeUTF(entry);
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public ReplayPublication deserialize(int version, byte[] serialized) throws IOException {
      if (version != 1) {
        throw new IOException("unknown replay publication version " + version + ", expected 1");
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        String dir = in.readUTF();
        int segments = in.readInt();
        int n = in.readInt();
        List<String> media = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          media.add(in.readUTF());
        }
        return new ReplayPublication(dir, segments, media);
      }
    }
  }
}
