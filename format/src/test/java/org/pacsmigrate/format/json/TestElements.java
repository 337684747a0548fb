package org.pacsmigrate.format.json;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.VR;

/** Builds elements the way Part 10 holds them: little endian numbers, text padded to even length. */
final class TestElements {
  private TestElements() {}

  static DataSet ds(DicomElement... elements) {
    DataSet ds = new DataSet();
    for (DicomElement e : elements) {
      ds.put(e);
    }
    return ds;
  }

  static DicomElement text(int tag, VR vr, String value) {
    return text(tag, vr, value, StandardCharsets.ISO_8859_1);
  }

  static DicomElement text(int tag, VR vr, String value, Charset charset) {
    return DicomElement.ofBytes(tag, vr, pad(value.getBytes(charset), vr));
  }

  /** Bytes exactly as given, without padding, for tests of odd input. */
  static DicomElement raw(int tag, VR vr, String value) {
    return DicomElement.ofBytes(tag, vr, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  static byte[] pad(byte[] b, VR vr) {
    if (b.length % 2 == 0) {
      return b;
    }
    byte[] p = Arrays.copyOf(b, b.length + 1);
    p[b.length] = (byte) vr.paddingByte();
    return p;
  }

  static DicomElement bytes(int tag, VR vr, byte... b) {
    return DicomElement.ofBytes(tag, vr, b);
  }

  static DicomElement us(int tag, int... v) {
    ByteBuffer b = le(v.length * 2);
    Arrays.stream(v).forEach(x -> b.putShort((short) x));
    return DicomElement.ofBytes(tag, VR.US, b.array());
  }

  static DicomElement ss(int tag, int... v) {
    ByteBuffer b = le(v.length * 2);
    Arrays.stream(v).forEach(x -> b.putShort((short) x));
    return DicomElement.ofBytes(tag, VR.SS, b.array());
  }

  static DicomElement ul(int tag, long... v) {
    return ints(tag, VR.UL, v);
  }

  static DicomElement sl(int tag, long... v) {
    return ints(tag, VR.SL, v);
  }

  private static DicomElement ints(int tag, VR vr, long... v) {
    ByteBuffer b = le(v.length * 4);
    Arrays.stream(v).forEach(x -> b.putInt((int) x));
    return DicomElement.ofBytes(tag, vr, b.array());
  }

  static DicomElement longs(int tag, VR vr, long... v) {
    ByteBuffer b = le(v.length * 8);
    Arrays.stream(v).forEach(b::putLong);
    return DicomElement.ofBytes(tag, vr, b.array());
  }

  static DicomElement fl(int tag, float... v) {
    ByteBuffer b = le(v.length * 4);
    for (float f : v) {
      b.putFloat(f);
    }
    return DicomElement.ofBytes(tag, VR.FL, b.array());
  }

  static DicomElement fd(int tag, double... v) {
    ByteBuffer b = le(v.length * 8);
    Arrays.stream(v).forEach(b::putDouble);
    return DicomElement.ofBytes(tag, VR.FD, b.array());
  }

  static DicomElement at(int tag, int... tags) {
    ByteBuffer b = le(tags.length * 4);
    Arrays.stream(tags).forEach(t -> b.putShort((short) (t >>> 16)).putShort((short) t));
    return DicomElement.ofBytes(tag, VR.AT, b.array());
  }

  static DicomElement seq(int tag, DataSet... items) {
    return DicomElement.ofItems(tag, List.of(items));
  }

  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Single quotes in expected JSON, to keep the tests readable. */
  static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }
}
