package org.pacsmigrate.format.p10;

import java.io.IOException;
import java.io.OutputStream;
import org.pacsmigrate.format.dicom.VR;

/** Element and item headers in explicit VR little endian (PS3.5 7.1.2, 7.5). */
final class ExplicitLeOutput {
  static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;

  private final OutputStream out;
  private final byte[] header = new byte[12];

  ExplicitLeOutput(OutputStream out) {
    this.out = out;
  }

  OutputStream stream() {
    return out;
  }

  void elementHeader(int tag, VR vr, long length) throws IOException {
    putTag(tag);
    header[4] = (byte) vr.name().charAt(0);
    header[5] = (byte) vr.name().charAt(1);
    if (vr.hasLongExplicitHeader()) {
      header[6] = 0;
      header[7] = 0;
      putU32(8, length);
      out.write(header, 0, 12);
    } else {
      header[6] = (byte) length;
      header[7] = (byte) (length >>> 8);
      out.write(header, 0, 8);
    }
  }

  /** Item, Item Delimitation and Sequence Delimitation headers: a tag and a 32-bit length, no VR. */
  void itemHeader(int tag, long length) throws IOException {
    putTag(tag);
    putU32(4, length);
    out.write(header, 0, 8);
  }

  void write(byte[] value) throws IOException {
    out.write(value);
  }

  void padIfOdd(long length, int paddingByte) throws IOException {
    if ((length & 1) != 0) {
      out.write(paddingByte);
    }
  }

  private void putTag(int tag) {
    header[0] = (byte) (tag >>> 16);
    header[1] = (byte) (tag >>> 24);
    header[2] = (byte) tag;
    header[3] = (byte) (tag >>> 8);
  }

  private void putU32(int off, long value) {
    header[off] = (byte) value;
    header[off + 1] = (byte) (value >>> 8);
    header[off + 2] = (byte) (value >>> 16);
    header[off + 3] = (byte) (value >>> 24);
  }
}
