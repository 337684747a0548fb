package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An entry's data stream. The entry's size is in its local header before the data is written, so a body that
 * writes more or fewer bytes would make a corrupt archive; this fails the write instead. Closing is ignored:
 * the stream underneath is the archive's.
 */
final class SizedOutput extends OutputStream {
  private final OutputStream out;
  private final long expected;
  private final String entry;
  private long written;

  SizedOutput(OutputStream out, long expected, String entry) {
    this.out = out;
    this.expected = expected;
    this.entry = entry;
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
      throw new IOException(entry + ": " + written + " bytes written of the " + expected + " announced");
    }
  }

  private void reserve(int len) throws IOException {
    if (len > expected - written) {
      throw new IOException(entry + ": more than the " + expected + " bytes announced");
    }
    written += len;
  }
}
