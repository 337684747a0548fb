package org.pacsmigrate.transforms.io;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.transforms.model.ParsedInstance;

/**
 * Reads a file's header again from its source, where the whole header is needed after the shuffle (the study
 * ZIP's metadata, the comparison of duplicates): small, one ranged read on Cloud Storage. The header must be
 * the one parsed earlier ({@link ParsedInstance#headerDigest()}); a file rewritten since is refused.
 */
public final class SourceHeaders {
  private SourceHeaders() {}

  /** A source that no longer holds the header that was parsed. */
  public static final class SourceChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceChangedException(String message) {
      super(message);
    }
  }

  public static DicomFile reread(ParsedInstance p) throws IOException {
    return reread(p, P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** @param maxInflationRatio the limit the file was parsed under (a file swapped for a bomb meets it again) */
  public static DicomFile reread(ParsedInstance p, int maxInflationRatio) throws IOException {
    try (SeekableByteChannel channel = SourceChannels.open(p.path())) {
      return reread(p, channel, maxInflationRatio);
    }
  }

  public static DicomFile reread(ParsedInstance p, SeekableByteChannel channel) throws IOException {
    return reread(p, channel, P10Reader.DEFAULT_MAX_INFLATION_RATIO);
  }

  /** Reads the header from {@code channel} (positioned anywhere; it is read from the start). */
  public static DicomFile reread(ParsedInstance p, SeekableByteChannel channel, int maxInflationRatio)
      throws IOException {
    channel.position(0);
    DicomFile header = new P10Reader(P10Reader.DEFAULT_BULK_THRESHOLD, maxInflationRatio).read(p.path(), channel);
    if (!MessageDigest.isEqual(HeaderDigest.of(header), p.headerDigest())) {
      throw new SourceChangedException(p.path() + " changed since its header was read (the header differs)");
    }
    return header;
  }
}
