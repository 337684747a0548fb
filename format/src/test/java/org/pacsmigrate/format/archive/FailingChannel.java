package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** A source that breaks after {@code budget} bytes have been read, as a disk or a network mount might. */
final class FailingChannel implements SeekableByteChannel {
  private final SeekableByteChannel channel;
  private long budget;

  FailingChannel(SeekableByteChannel channel, long budget) {
    this.channel = channel;
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
    int n = channel.read(dst);
    budget -= Math.max(n, 0);
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    throw new IOException("read only");
  }

  @Override
  public long position() throws IOException {
    return channel.position();
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    channel.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    throw new IOException("read only");
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
