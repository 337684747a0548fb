package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Exactly the data of a part. The data's end is known from the entry length, not found by scanning, so the tail
 * is checked once the data has been read: a mismatch means the entry is not the length its framing says.
 */
final class PartBody extends InputStream {
  private final InputStream in;
  private final byte[] expectedTail;
  private long remaining;
  private boolean tailChecked;

  PartBody(InputStream in, long length, byte[] expectedTail) {
    this.in = in;
    this.remaining = length;
    this.expectedTail = expectedTail;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining == 0) {
      checkTail();
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new MultipartException("entry ends " + remaining + " bytes before its part's data does");
    }
    remaining -= n;
    if (remaining == 0) {
      checkTail();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(Math.min(Math.max(n, 0), remaining));
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  private void checkTail() throws IOException {
    if (tailChecked) {
      return;
    }
    byte[] tail = in.readNBytes(expectedTail.length);
    if (!Arrays.equals(tail, expectedTail)) {
      throw new MultipartException("part does not end with its closing boundary where its entry length says");
    }
    tailChecked = true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
