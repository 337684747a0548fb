package org.pacsmigrate.format.io;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A destination that can take a range of a file straight from its channel (positional reads into its own
 * buffer), so a frame copied into an archive entry goes through no {@code byte[]} on the way. Copiers test for
 * it on the {@link java.io.OutputStream} they are given and otherwise write bytes as usual.
 */
public interface ChannelSink {
  /**
   * Copies up to {@code length} bytes of {@code source} from {@code position}; returns how many were copied,
   * fewer only when the file ends first. Failures to read are the source's; failures to write, the sink's.
   */
  long transferFrom(FileChannel source, long position, long length) throws IOException;
}
