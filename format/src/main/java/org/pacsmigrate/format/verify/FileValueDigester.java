package org.pacsmigrate.format.verify;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.Frame;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.SourceBulkData;

/** Digests the values a parsed Part 10 file left in place, streaming them from the file. */
public final class FileValueDigester implements DataSetComparator.ValueDigester {
  private final DicomFile file;
  private final SourceBulkData source;

  public FileValueDigester(DicomFile file, SourceBulkData source) {
    this.file = file;
    this.source = source;
  }

  @Override
  public byte[] digest(ElementPath path, DicomElement element, long length) throws IOException {
    MessageDigest md = sha256();
    if (length < 0) {
      digestFrames(path, element, md);
      return md.digest();
    }
    source.copy(path, element.vr(), element.bulk(), new DigestSink(md, length));
    return md.digest();
  }

  /**
   * Frames as {@link FrameLocator} finds them, each preceded by its length. Bytes after the last native frame
   * are padding when zero; anything else there is digested too, so that losing it cannot pass unnoticed.
   */
  private void digestFrames(ElementPath path, DicomElement element, MessageDigest md) throws IOException {
    List<Frame> frames;
    try {
      frames = FrameLocator.locate(file);
    } catch (DicomParseException e) {
      // Frames that cannot be located are compared as the whole value.
      frames = List.of(new Frame(1, element.isEncapsulated() ? element.fragments() : List.of(element.bulk()), 0));
    }
    DigestSink sink = new DigestSink(md, Long.MAX_VALUE);
    long end = 0;
    for (Frame frame : frames) {
      md.update(ByteBuffer.allocate(8).putLong(frame.length()).array());
      for (BulkData range : frame.ranges()) {
        if (element.isEncapsulated()) {
          source.reader().copy(range, sink);
        } else {
          source.copy(path, element.vr(), range, sink);
        }
        end = Math.max(end, range.end());
      }
    }
    if (!element.isEncapsulated() && element.bulk().end() > end) {
      BulkData tail = new BulkData(end, element.bulk().end() - end);
      NonZero check = new NonZero();
      source.reader().copy(tail, check);
      if (check.found) {
        md.update("trailing".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        source.reader().copy(tail, sink);
      }
    }
  }

  /** Notes whether any byte written is not zero. */
  private static final class NonZero extends OutputStream {
    boolean found;

    @Override
    public void write(int b) {
      found |= b != 0;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len && !found; i++) {
        found = b[i] != 0;
      }
    }
  }

  static MessageDigest sha256() {
    return DataSetComparator.newSha256();
  }

  /** Digests at most {@code limit} bytes and drops the rest (a padding byte the other side lacks). */
  static final class DigestSink extends OutputStream {
    private final MessageDigest md;
    private long left;

    DigestSink(MessageDigest md, long limit) {
      this.md = md;
      this.left = limit;
    }

    @Override
    public void write(int b) {
      if (left > 0) {
        md.update((byte) b);
        left--;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      int n = (int) Math.min(len, left);
      md.update(b, off, n);
      left -= n;
    }
  }
}
