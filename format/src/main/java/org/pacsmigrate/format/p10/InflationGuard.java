package org.pacsmigrate.format.p10;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts what a deflated data set inflates to and stops at a limit: a few hundred kilobytes of deflate can
 * claim a gigabyte (a "zip bomb"), and the reader would pass it all on to the archive. The limit is a ratio
 * to the deflated size, with a floor of {@link #MIN_ALLOWANCE} so that small, very regular data sets (a short
 * report) are never refused for their ratio alone.
 */
final class InflationGuard extends FilterInputStream {
  /** Always allowed, whatever the ratio: 1 MiB. */
  static final long MIN_ALLOWANCE = 1 << 20;

  private final String source;
  private final long deflatedBytes;
  private final long maxRatio;
  private final long limit;
  private long inflated;

  InflationGuard(InputStream in, String source, long deflatedBytes, long maxRatio) {
    super(in);
    this.source = source;
    this.deflatedBytes = deflatedBytes;
    this.maxRatio = maxRatio;
    this.limit = limitFor(deflatedBytes, maxRatio);
  }

  /** How many inflated bytes {@code deflatedBytes} may become at {@code maxRatio}. */
  static long limitFor(long deflatedBytes, long maxRatio) {
    long byRatio = deflatedBytes > Long.MAX_VALUE / Math.max(1, maxRatio) ? Long.MAX_VALUE
        : deflatedBytes * maxRatio;
    return Math.max(MIN_ALLOWANCE, byRatio);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    // Never more than one byte past the limit, so that reaching it is seen without inflating further.
    int n = super.read(b, off, (int) Math.min(len, Math.max(1, limit - inflated + 1)));
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 64 * 1024)];
    long done = 0;
    while (done < n) {
      int got = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (got < 0) {
        break;
      }
      done += got;
    }
    return done;
  }

  private void count(int n) throws DicomParseException {
    inflated += n;
    if (inflated > limit) {
      throw new DicomParseException(source, inflated, "deflated data set of " + deflatedBytes
          + " bytes inflates to more than " + limit + " bytes (ratio over " + (limit / Math.max(1, deflatedBytes))
          + ":1; the limit is " + maxRatio + ":1, --maxInflationRatio): refused as a likely decompression bomb");
    }
  }
}
