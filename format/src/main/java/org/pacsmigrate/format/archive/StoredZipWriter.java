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
 *
 * <p>Given the {@link Plan} of all its entries up front, an archive that needs no ZIP64 (nearly all) is written
 * by {@link PlainZipWriter} instead: the same bytes, through one direct buffer, with frames read straight into it.
 * commons-compress stays the writer of the rest (ZIP64: beyond 65534 entries or 4 GiB), and the reference the
 * plain writer is tested against.
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

  /**
   * Every entry an archive will get, by name and length, in order: whether it fits a plain ZIP (fewer than 65535
   * entries, every offset, size and the central directory below 4 GiB, names of printable ASCII), decided before
   * the first byte is written.
   */
  static final class Plan {
    private int entries;
    private long length = PlainZipWriter.END_RECORD;
    private boolean plainNames = true;

    Plan add(String name, long size) {
      entries++;
      plainNames &= PlainZipWriter.plainName(name);
      length += size < 0 ? Long.MAX_VALUE / 4 : PlainZipWriter.cost(name, size);
      return this;
    }

    boolean fitsPlainZip() {
      return plainNames && entries <= PlainZipWriter.MAX_ENTRIES && length <= PlainZipWriter.MAX_LENGTH;
    }
  }

  private final ZipArchiveOutputStream zip;
  private final PlainZipWriter plain;

  /** {@code out} must be empty: local header offsets and the CRC patches are positions in it. */
  StoredZipWriter(SeekableByteChannel out) throws IOException {
    this(out, null);
  }

  /** As above; with the archive's plan, a plain ZIP is written by {@link PlainZipWriter}. */
  StoredZipWriter(SeekableByteChannel out, Plan plan) throws IOException {
    if (out.size() != 0 || out.position() != 0) {
      throw new IllegalArgumentException("a study archive is written to an empty channel");
    }
    if (plan != null && plan.fitsPlainZip()) {
      plain = new PlainZipWriter(out);
      zip = null;
      return;
    }
    plain = null;
    zip = new ZipArchiveOutputStream(new NonClosingChannel(out));
    zip.setMethod(ZipArchiveOutputStream.STORED);
    zip.setUseZip64(ZIP64);
    zip.setEncoding("UTF-8");
    zip.setUseLanguageEncodingFlag(true);
    zip.setFallbackToUTF8(false);
    zip.setCreateUnicodeExtraFields(ZipArchiveOutputStream.UnicodeExtraFieldPolicy.NEVER);
  }

  void entry(String name, long size, Body body) throws IOException {
    if (plain != null) {
      plain.entry(name, size, body);
      return;
    }
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
    if (plain != null) {
      return plain.finish();
    }
    zip.finish();
    return zip.getBytesWritten();
  }

  @Override
  public void close() throws IOException {
    if (plain != null) {
      plain.close();
      return;
    }
    zip.close();
  }
}
