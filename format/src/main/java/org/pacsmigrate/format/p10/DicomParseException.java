package org.pacsmigrate.format.p10;

import java.io.IOException;

/**
 * Input that is not (valid) DICOM. Always names the source, the byte offset where the problem was found and
 * the reason, so an operator can find the file and see what is wrong without a debugger.
 */
public class DicomParseException extends IOException {
  private final String source;
  private final long offset;
  private final String reason;

  public DicomParseException(String source, long offset, String reason) {
    this(source, offset, reason, null);
  }

  public DicomParseException(String source, long offset, String reason, Throwable cause) {
    super(source + " at offset " + offset + ": " + reason, cause);
    this.source = source;
    this.offset = offset;
    this.reason = reason;
  }

  public String source() {
    return source;
  }

  public long offset() {
    return offset;
  }

  public String reason() {
    return reason;
  }
}
