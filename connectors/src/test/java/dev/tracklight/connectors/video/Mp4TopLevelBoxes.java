package dev.tracklight.connectors.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the types of an ISO BMFF (MP4) file's top-level boxes, in file order. */
final class Mp4TopLevelBoxes {

  private Mp4TopLevelBoxes() {}

  static List<String> read(Path file) throws IOException {
    List<String> types = new ArrayList<>();
    try (FileChannel channel = FileChannel.open(file)) {
      long size = channel.size();
      long offset = 0;
      ByteBuffer header = ByteBuffer.allocate(16);
      while (offset + 8 <= size) {
        header.clear();
        channel.read(header, offset);
        header.flip();
        long boxSize = Integer.toUnsignedLong(header.getInt());
        byte[] type = new byte[4];
        header.get(type);
        if (boxSize == 1) { // 64-bit "largesize" follows the type
          boxSize = header.getLong();
        } else if (boxSize == 0) { // box extends to the end of the file
          boxSize = size - offset;
        }
        if (boxSize < 8) {
          throw new IOException("corrupt box of size " + boxSize + " at " + offset);
        }
        types.add(new String(type, StandardCharsets.US_ASCII));
        offset += boxSize;
      }
    }
    return types;
  }
}
