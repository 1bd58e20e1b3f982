package dev.tracklight.operators.highlights;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Small helpers of the rule-state binary layout (big-endian, {@link java.io.DataOutput}). */
final class StateCodec {

  /** Upper bound on any stored collection size: guards against allocating on corrupt bytes. */
  static final int MAX_COUNT = 1 << 20;

  private StateCodec() {}

  static int count(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > MAX_COUNT) {
      throw new IOException("corrupt rule state: count " + n);
    }
    return n;
  }

  static void writeFloats(DataOutput out, float[] v) throws IOException {
    for (float x : v) {
      out.writeFloat(x);
    }
  }

  static void readFloats(DataInput in, float[] v) throws IOException {
    for (int i = 0; i < v.length; i++) {
      v[i] = in.readFloat();
    }
  }

  static void writeInts(DataOutput out, java.util.Collection<Integer> v) throws IOException {
    out.writeInt(v.size());
    for (int x : v) {
      out.writeInt(x);
    }
  }

  static void readInts(DataInput in, java.util.Collection<Integer> into) throws IOException {
    into.clear();
    int n = count(in);
    for (int i = 0; i < n; i++) {
      into.add(in.readInt());
    }
  }
}
