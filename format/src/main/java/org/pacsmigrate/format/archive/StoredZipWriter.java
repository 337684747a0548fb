package org.pacsmigrate.format.archive;

import java.io.Closeable;
import java.io.IOException;
import org.pacsmigrate.format.io.ExactLengthOutputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.LocalDateTime;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.Zip64Mode;

/**
 * A ZIP of STORED entries whose bytes depend only on the names and contents given: fixed time, no extra
 * fields (ZIP64 only when a size or offset needs it), UTF-8 names. Each entry's size is given up front, so no
 * ZIP64 placeholder is reserved; on a seekable output the CRC is computed while the data streams through and
 * patched into the local header afterwards, so no entry is ever buffered.
 */
final class StoredZipWriter implements Closeable {
  /**
   * 1980-01-01 00:00, the earliest DOS time. Set as a local date-time: the DOS fields are local time, and a
   * java.time instant would give a different field value in every time zone.
   */
  static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
  /** ZIP64 records only where a size, offset or the entry count needs them, so small studies stay plain ZIP. */
  static final Zip64Mode ZIP64 = Zip64Mode.AsNeeded;

  /** Writes an entry's data; must write exactly the size given for the entry. */
  @FunctionalInterface
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private final ZipArchiveOutputStream zip;

  /** {@code out} must be empty: local header offsets and the CRC patches are positions in it. */
  StoredZipWriter(SeekableByteChannel out) throws IOException {
    if (out.size() != 0 || out.position() != 0) {
      throw new IllegalArgumentException("a study archive is written to an empty channel");
    }
    zip = new ZipArchiveOutputStream(new NonClosingChannel(out));
    zip.setMethod(ZipArchiveOutputStream.STORED);
    zip.setUseZip64(ZIP64);
    zip.setEncoding("UTF-8");
    zip.setUseLanguageEncodingFlag(true);
    zip.setFallbackToUTF8(false);
    zip.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.NEVER);
  }

  void entry(String name, long size, Body body) throws IOException {
    ZipArchiveEntry entry = new ZipArchiveEntry(name);
    entry.setMethod(ZipArchiveEntry.STORED);
    entry.setSize(size);
    entry.setCompressedSize(size);
    entry.setTimeLocal(ENTRY_TIME);
    zip.putArchiveEntry(entry);
    ExactLengthOutputStream data = new ExactLengthOutputStream(zip, size, name);
    body.writeTo(data);
    data.finish();
    zip.closeArchiveEntry();
  }

  /** Writes the central directory; returns the archive's length. */
  long finish() throws IOException {
    zip.finish();
    return zip.getBytesWritten();
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
