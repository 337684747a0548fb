package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** A source that breaks after {@code budget} bytes have been read, as a disk or a network mount might. */
final class FailingChannel extends FilterChannel {
  private long budget;

  FailingChannel(SeekableByteChannel channel, long budget) {
    super(channel);
    this.budget = budget;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (budget <= 0) {
      throw new IOException("simulated read failure");
    }
    if (dst.remaining() > budget) {
      dst.limit(dst.position() + (int) budget);
    }
    int n = super.read(dst);
    budget -= Math.max(n, 0);
    return n;
  }
}
