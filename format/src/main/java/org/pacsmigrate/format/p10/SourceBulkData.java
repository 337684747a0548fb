package org.pacsmigrate.format.p10;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.VR;

/**
 * Streams a parsed file's left-in-place values to a {@link P10Writer}, in little endian: values of a big endian
 * source are swapped by their VR's unit as they pass (OW by 16-bit words, as PS3.5 7.3 defines and dcmtk does).
 */
public final class SourceBulkData implements BulkDataSource, AutoCloseable {
  private final BulkDataReader reader;
  private final boolean swap;

  public SourceBulkData(SeekableByteChannel channel, DicomFile file) {
    this.reader = new BulkDataReader(channel, file);
    this.swap = file.transferSyntax().bigEndian();
  }

  public static SourceBulkData open(Path path, DicomFile file) throws IOException {
    return new SourceBulkData(FileChannel.open(path, StandardOpenOption.READ), file);
  }

  @Override
  public void copy(ElementPath path, VR vr, BulkData range, OutputStream out) throws IOException {
    if (swap && vr.unitSize() > 1) {
      SwappingOutputStream swapped = new SwappingOutputStream(out, vr.unitSize());
      reader.copy(range, swapped);
      swapped.finish();
    } else {
      reader.copy(range, out);
    }
  }

  /** The reader underneath, for callers that need raw source bytes (frames are archived as stored). */
  public BulkDataReader reader() {
    return reader;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }

  /** Reverses each run of {@code unit} bytes; a trailing partial unit (a corrupt length) passes unchanged. */
  static final class SwappingOutputStream extends FilterOutputStream {
    private final byte[] unit;
    private int filled;

    SwappingOutputStream(OutputStream out, int unitSize) {
      super(out);
      this.unit = new byte[unitSize];
    }

    @Override
    public void write(int b) throws IOException {
      unit[filled++] = (byte) b;
      if (filled == unit.length) {
        for (int i = unit.length - 1; i >= 0; i--) {
          out.write(unit[i]);
        }
        filled = 0;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      byte[] swapped = new byte[len];
      int n = 0;
      for (int i = 0; i < len; i++) {
        unit[filled++] = b[off + i];
        if (filled == unit.length) {
          for (int j = unit.length - 1; j >= 0; j--) {
            swapped[n++] = unit[j];
          }
          filled = 0;
        }
      }
      out.write(swapped, 0, n);
    }

    void finish() throws IOException {
      out.write(unit, 0, filled);
      filled = 0;
    }

    @Override
    public void close() {
      // The caller owns the underlying stream.
    }
  }
}
