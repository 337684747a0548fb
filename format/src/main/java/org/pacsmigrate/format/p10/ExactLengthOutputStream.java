package org.pacsmigrate.format.p10;

import java.io.IOException;
import java.io.OutputStream;
import org.pacsmigrate.format.dicom.ElementPath;

/**
 * What a {@link BulkDataSource} writes to: the length is already in the element header, so a source that
 * writes more or fewer bytes would corrupt every element after it; this fails the write instead. Closing
 * is ignored because the stream underneath belongs to the writer.
 */
final class ExactLengthOutputStream extends OutputStream {
  private final OutputStream out;
  private final long expected;
  private final ElementPath path;
  private long written;

  ExactLengthOutputStream(OutputStream out, long expected, ElementPath path) {
    this.out = out;
    this.expected = expected;
    this.path = path;
  }

  @Override
  public void write(int b) throws IOException {
    reserve(1);
    out.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    reserve(len);
    out.write(b, off, len);
  }

  @Override
  public void close() {}

  void finish() throws IOException {
    if (written != expected) {
      throw new IOException("bulk data source wrote " + written + " of the " + expected + " bytes of " + path);
    }
  }

  private void reserve(int len) throws IOException {
    if (len > expected - written) {
      throw new IOException("bulk data source wrote more than the " + expected + " bytes of " + path);
    }
    written += len;
  }
}
