package org.pacsmigrate.format.json;

import java.io.IOException;

/**
 * A data set that cannot be written as DICOM JSON, or JSON that is not a valid DICOM JSON Model. Messages name
 * the element and the problem but never carry attribute values, so they are safe to log.
 */
public class DicomJsonException extends IOException {
  private final String path;
  private final String detail;

  /** {@code path} is the element's path ("00540016/0/00181072"), or null when the problem is not in one. */
  public DicomJsonException(String path, String detail) {
    this(path, detail, null);
  }

  public DicomJsonException(String path, String detail, Throwable cause) {
    super(path == null ? detail : path + ": " + detail, cause);
    this.path = path;
    this.detail = detail;
  }

  /** Where the problem is, as an element path (a bad key appears as it was written); null if not in an element. */
  public String path() {
    return path;
  }

  /** The same problem, located in the {@code index}th data set of a JSON array. */
  DicomJsonException inInstance(int index) {
    return new DicomJsonException(path, "instance " + index + ", " + detail, getCause());
  }
}
