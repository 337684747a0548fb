package org.pacsmigrate.format.dicom;

/**
 * A value left where it is in the source: {@code length} bytes at {@code offset} of the data set stream
 * (the file itself, or for a deflated file the inflated stream that follows the file meta). Bytes there are
 * in the source's byte order.
 */
public record BulkData(long offset, long length) {
  public BulkData {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative bulk data range " + offset + "+" + length);
    }
  }

  public long end() {
    return offset + length;
  }
}
