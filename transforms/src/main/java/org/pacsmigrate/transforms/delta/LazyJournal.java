package org.pacsmigrate.transforms.delta;

import org.pacsmigrate.format.io.OutputWriteException;

/**
 * One worker thread's journal of one step, opened at its first record (a step that records nothing leaves no
 * file): records are appended, handed to the operating system past {@code flushAt} bytes, when asked, and at
 * each bundle's end, and the file is closed when the step is torn down.
 */
final class LazyJournal {
  private final RunIndex index;
  private final String part;
  private final int flushAt;
  private IndexJournal.Writer writer;

  LazyJournal(RunIndex index, String part, int flushAt) {
    this.index = index;
    this.part = part;
    this.flushAt = flushAt;
  }

  void append(byte kind, byte[] payload, boolean flushNow) throws OutputWriteException {
    if (writer == null) {
      writer = index.openJournal(part);
    }
    writer.append(kind, payload);
    if (flushNow || writer.pendingBytes() > flushAt) {
      writer.flush();
    }
  }

  /** At each bundle's end: what the bundle recorded survives a killed JVM. */
  void flush() throws OutputWriteException {
    if (writer != null) {
      writer.flush();
    }
  }

  /** Quietly: what matters was flushed at each bundle's end. */
  void close() {
    RunIndex.closeQuietly(writer);
    writer = null;
  }
}
