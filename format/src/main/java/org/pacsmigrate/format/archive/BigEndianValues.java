package org.pacsmigrate.format.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.p10.BulkDataReader;

/**
 * Copies part of a big endian source's value as little endian, swapped by its VR's unit (OW by 16-bit words,
 * OF and OL by 32 bits, OD and OV by 64; OB and UN not at all), which is what dcmtk's {@code dcmconv +te} does
 * and what PS3.5 7.3 defines. PS3.18 defines native frames and bulk data on the wire as little endian, so the
 * archive stores them that way and every client decodes them alike.
 *
 * <p>The swap is aligned on the value's start, not the range's: a range that starts or ends inside a unit (a
 * frame of Bits Allocated 1 in OW, say) gets exactly the bytes the whole value would have at those positions
 * once swapped. A trailing partial unit (a corrupt odd length) passes unchanged.
 */
final class BigEndianValues {
  private BigEndianValues() {}

  /** Writes {@code range} (inside {@code value}) of the little endian form of {@code value}. */
  static void copy(BulkDataReader reader, BulkData value, BulkData range, int unit, OutputStream out)
      throws IOException {
    if (unit <= 1) {
      reader.copy(range, out);
      return;
    }
    long relStart = range.offset() - value.offset();
    long relEnd = range.end() - value.offset();
    if (relStart < 0 || relEnd > value.length()) {
      throw new IllegalArgumentException("range " + range + " is not inside its value " + value);
    }
    long alignedStart = relStart - relStart % unit;
    long alignedEnd = Math.min(value.length(), (relEnd + unit - 1) / unit * unit);
    Slice slice = new Slice(out, relStart - alignedStart, range.length());
    Swapping swapping = new Swapping(slice, unit);
    reader.copy(new BulkData(value.offset() + alignedStart, alignedEnd - alignedStart), swapping);
    swapping.finish();
  }

  /** Reverses each run of {@code unit} bytes. */
  private static final class Swapping extends FilterOutputStream {
    private final int unit;
    private final byte[] pending;
    private int filled;
    private byte[] buf = new byte[0];

    Swapping(OutputStream out, int unit) {
      super(out);
      this.unit = unit;
      this.pending = new byte[unit];
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (buf.length < len + unit) {
        buf = new byte[len + unit];
      }
      int n = 0;
      for (int i = 0; i < len; i++) {
        pending[filled++] = b[off + i];
        if (filled == unit) {
          for (int j = unit - 1; j >= 0; j--) {
            buf[n++] = pending[j];
          }
          filled = 0;
        }
      }
      out.write(buf, 0, n);
    }

    void finish() throws IOException {
      out.write(pending, 0, filled);
      filled = 0;
    }
  }

  /** Passes on {@code length} bytes after skipping {@code skip}; drops the rest. */
  private static final class Slice extends OutputStream {
    private final OutputStream out;
    private long skip;
    private long left;

    Slice(OutputStream out, long skip, long length) {
      this.out = out;
      this.skip = skip;
      this.left = length;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int drop = (int) Math.min(skip, len);
      skip -= drop;
      int n = (int) Math.min(len - drop, left);
      if (n > 0) {
        out.write(b, off + drop, n);
        left -= n;
      }
    }
  }
}
