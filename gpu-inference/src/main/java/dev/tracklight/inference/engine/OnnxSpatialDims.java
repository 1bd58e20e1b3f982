package dev.tracklight.inference.engine;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites an ONNX model so that its image input takes any height and width: the graph's first
 * input gets symbolic dims 2 and 3 ({@code height}, {@code width}), every graph output symbolic
 * dims after the batch, and the stored intermediate shapes ({@code graph.value_info}) are dropped so
 * that ONNX Runtime infers them again for the shape it is given. No node or weight changes.
 *
 * <p><b>Why.</b> A detector exported for a square 416 or 640 input spends a third or more of its
 * convolutions on letterbox padding when the video is 16:9. A fully convolutional detector such as
 * YOLOX runs just as well on the letterboxed image padded only to its largest stride (416x256 for
 * a 16:9 video) — Ultralytics' own {@code predict} does this ("rect" inference) — but ONNX Runtime
 * refuses an input whose dims differ from the declared ones. Whether the rewritten graph really
 * works at another size (a reshape with a baked-in spatial constant would break it) is for the
 * caller to probe; this class only edits the declarations.
 *
 * <p><b>How.</b> The ONNX file is a protobuf {@code ModelProto}; the few fields on the path to the
 * declared dims are edited on the wire format (field numbers from onnx.proto3: ModelProto.graph 7;
 * GraphProto.input 11, output 12, value_info 13; ValueInfoProto.type 2; TypeProto.tensor_type 1;
 * TypeProto.Tensor.shape 2; TensorShapeProto.dim 1; Dimension.dim_value 1, dim_param 2). Every
 * other field is copied byte for byte, so nothing needs the protobuf runtime or ONNX's schema.
 *
 * <p>Stateless; safe from any thread.
 */
final class OnnxSpatialDims {

  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int GRAPH_VALUE_INFO = 13;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_PARAM = 2;

  private static final int VARINT = 0;
  private static final int FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private OnnxSpatialDims() {}

  /**
   * The model with its first input's dims 2 and 3 and its outputs' dims from 1 on made symbolic.
   *
   * @throws IllegalArgumentException if {@code model} is not a well-formed protobuf or has no graph
   *     with an input of at least four dims
   */
  static byte[] relax(byte[] model) {
    boolean[] edited = {false};
    List<Field> fields = parse(model);
    List<Field> out = new ArrayList<>(fields.size());
    for (Field f : fields) {
      if (f.number == MODEL_GRAPH && f.type == LENGTH_DELIMITED) {
        out.add(f.withBytes(relaxGraph(f.bytes, edited)));
      } else {
        out.add(f);
      }
    }
    if (!edited[0]) {
      throw new IllegalArgumentException("the model has no graph input with four dims to relax");
    }
    return write(out);
  }

  private static byte[] relaxGraph(byte[] graph, boolean[] edited) {
    List<Field> out = new ArrayList<>();
    boolean firstInput = true;
    for (Field f : parse(graph)) {
      if (f.number == GRAPH_VALUE_INFO) {
        continue;
      }
      if (f.number == GRAPH_INPUT && firstInput) {
        firstInput = false;
        byte[] relaxed = relaxValueInfo(f.bytes, 2, new String[] {"height", "width"});
        edited[0] = relaxed != null;
        out.add(relaxed == null ? f : f.withBytes(relaxed));
      } else if (f.number == GRAPH_OUTPUT) {
        byte[] relaxed = relaxValueInfo(f.bytes, 1, null);
        out.add(relaxed == null ? f : f.withBytes(relaxed));
      } else {
        out.add(f);
      }
    }
    return write(out);
  }

  /**
   * The value info with dims from {@code fromDim} on symbolic (named {@code names[i]}, else
   * {@code d<i>}); null when its tensor has fewer dims than {@code fromDim + (names == null ? 1 :
   * names.length)}.
   */
  private static byte[] relaxValueInfo(byte[] valueInfo, int fromDim, String[] names) {
    List<Field> out = new ArrayList<>();
    boolean changed = false;
    for (Field f : parse(valueInfo)) {
      if (f.number == VALUE_INFO_TYPE && f.type == LENGTH_DELIMITED) {
        byte[] type = nested(f.bytes, TYPE_TENSOR, tensor -> nested(tensor, TENSOR_SHAPE,
            shape -> relaxShape(shape, fromDim, names)));
        if (type != null) {
          changed = true;
          out.add(f.withBytes(type));
          continue;
        }
      }
      out.add(f);
    }
    return changed ? write(out) : null;
  }

  private static byte[] relaxShape(byte[] shape, int fromDim, String[] names) {
    List<Field> fields = parse(shape);
    long dims = fields.stream().filter(f -> f.number == SHAPE_DIM).count();
    if (dims < fromDim + (names == null ? 1 : names.length)) {
      return null;
    }
    List<Field> out = new ArrayList<>();
    int index = 0;
    for (Field f : fields) {
      if (f.number == SHAPE_DIM && index++ >= fromDim
          && (names == null || index - 1 - fromDim < names.length)) {
        int i = index - 1;
        String name = names == null ? "d" + i : names[i - fromDim];
        out.add(f.withBytes(write(List.of(Field.bytes(DIM_PARAM, name.getBytes(
            java.nio.charset.StandardCharsets.UTF_8))))));
      } else {
        out.add(f);
      }
    }
    return write(out);
  }

  /** {@code message} with its length-delimited field {@code number} rewritten; null if none was. */
  private static byte[] nested(byte[] message, int number,
      java.util.function.UnaryOperator<byte[]> edit) {
    List<Field> out = new ArrayList<>();
    boolean changed = false;
    for (Field f : parse(message)) {
      if (!changed && f.number == number && f.type == LENGTH_DELIMITED) {
        byte[] edited = edit.apply(f.bytes);
        if (edited != null) {
          changed = true;
          out.add(f.withBytes(edited));
          continue;
        }
      }
      out.add(f);
    }
    return changed ? write(out) : null;
  }

  /** One protobuf field: a varint value, or the raw bytes of a fixed or length-delimited value. */
  private record Field(int number, int type, long varint, byte[] bytes) {
    static Field bytes(int number, byte[] bytes) {
      return new Field(number, LENGTH_DELIMITED, 0, bytes);
    }

    Field withBytes(byte[] value) {
      return new Field(number, type, varint, value);
    }
  }

  private static List<Field> parse(byte[] b) {
    List<Field> fields = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < b.length) {
      long key = readVarint(b, pos);
      int number = (int) (key >>> 3);
      int type = (int) (key & 7);
      switch (type) {
        case VARINT -> fields.add(new Field(number, type, readVarint(b, pos), null));
        case FIXED64 -> fields.add(new Field(number, type, 0, take(b, pos, 8)));
        case FIXED32 -> fields.add(new Field(number, type, 0, take(b, pos, 4)));
        case LENGTH_DELIMITED -> {
          long length = readVarint(b, pos);
          if (length < 0 || length > b.length - pos[0]) {
            throw new IllegalArgumentException("not an ONNX model: a field runs past the end");
          }
          fields.add(new Field(number, type, 0, take(b, pos, (int) length)));
        }
        default -> throw new IllegalArgumentException("not an ONNX model: wire type " + type);
      }
    }
    return fields;
  }

  private static long readVarint(byte[] b, int[] pos) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("not an ONNX model: truncated varint");
      }
      int x = b[pos[0]++];
      value |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("not an ONNX model: varint too long");
  }

  private static byte[] take(byte[] b, int[] pos, int n) {
    if (n > b.length - pos[0]) {
      throw new IllegalArgumentException("not an ONNX model: a field runs past the end");
    }
    byte[] out = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
    pos[0] += n;
    return out;
  }

  private static byte[] write(List<Field> fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Field f : fields) {
      writeVarint(out, ((long) f.number << 3) | f.type);
      switch (f.type) {
        case VARINT -> writeVarint(out, f.varint);
        case LENGTH_DELIMITED -> {
          writeVarint(out, f.bytes.length);
          out.writeBytes(f.bytes);
        }
        default -> out.writeBytes(f.bytes);
      }
    }
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
