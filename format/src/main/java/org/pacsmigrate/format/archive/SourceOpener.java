package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens an instance's source file again, for the values left in it. A function rather than an open channel,
 * so a study of thousands of instances does not hold thousands of files open; the writer closes what it opens.
 */
@FunctionalInterface
public interface SourceOpener {
  SeekableByteChannel open() throws IOException;

  static SourceOpener of(Path file) {
    return () -> java.nio.channels.FileChannel.open(file, StandardOpenOption.READ);
  }
}
