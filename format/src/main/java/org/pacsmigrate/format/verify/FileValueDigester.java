package org.pacsmigrate.format.verify;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
    if (element.isEncapsulated()) {
      List<Frame> frames;
      try {
        frames = FrameLocator.locate(file);
      } catch (DicomParseException e) {
        // Frames that cannot be located are compared as the whole fragment stream.
        frames = List.of(new Frame(1, element.fragments(), 0));
      }
      DigestSink sink = new DigestSink(md, Long.MAX_VALUE);
      for (Frame frame : frames) {
        md.update(ByteBuffer.allocate(8).putLong(frame.length()).array());
        for (BulkData range : frame.ranges()) {
          source.reader().copy(range, sink);
        }
      }
      return md.digest();
    }
    BulkData range = element.bulk();
    source.copy(path, element.vr(), range, new DigestSink(md, length));
    return md.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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
