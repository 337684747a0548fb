package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads a CSV text record by record (RFC 4180: a line break inside a quoted field belongs to the field), so a
 * manifest of millions of rows is never held as one string.
 */
final class CsvRecordReader {
  private final Reader in;
  private final StringBuilder record = new StringBuilder();
  private int pending = -2; // a character read ahead (after CR), -2 when none

  /** @param in read in small pieces; give it buffered */
  CsvRecordReader(Reader in) {
    this.in = in;
  }

  /** The next record without its line break, or null at the end. */
  String next() throws IOException {
    record.setLength(0);
    boolean quoted = false;
    boolean any = false;
    while (true) {
      int c = pending != -2 ? pending : in.read();
      pending = -2;
      if (c < 0) {
        return any ? record.toString() : null;
      }
      any = true;
      if (c == '"') {
        quoted = !quoted;
      }
      if (!quoted && (c == '\n' || c == '\r')) {
        if (c == '\r') {
          int d = in.read();
          if (d != '\n') {
            pending = d;
          }
        }
        return record.toString();
      }
      record.append((char) c);
    }
  }
}
