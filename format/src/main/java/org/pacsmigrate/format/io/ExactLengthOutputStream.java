package org.pacsmigrate.format.io;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream whose length was announced before its bytes (an element header, a ZIP local header): writing more
 * or fewer bytes would corrupt everything after it, so this fails the write instead. Closing is ignored
 * because the stream underneath belongs to the caller.
 */
public final class ExactLengthOutputStream extends OutputStream {
  private final OutputStream out;
  private final long expected;
  private final String what;
  private long written;

  /** @param what names the value in errors (an element path, an entry name); never a value itself */
  public ExactLengthOutputStream(OutputStream out, long expected, String what) {
    this.out = out;
    this.expected = expected;
    this.what = what;
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

  /** Fails unless exactly the announced number of bytes was written. */
  public void finish() throws IOException {
    if (written != expected) {
      throw new IOException(what + ": " + written + " bytes written of the " + expected + " announced");
    }
  }

  private void reserve(int len) throws IOException {
    if (len > expected - written) {
      throw new IOException(what + ": more than the " + expected + " bytes announced");
    }
    written += len;
  }
}
