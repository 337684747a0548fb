package org.pacsmigrate.format.p10;

import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;

/**
 * One frame of pixel data as byte ranges of the source: one range for native data, one or more fragments for
 * encapsulated data (a frame's bytes are its fragments' values concatenated, PS3.5 A.4).
 *
 * @param number from 1, as WADO-RS numbers frames
 * @param firstBit for native data with Bits Allocated 1 whose frames do not start on a byte boundary: the bit
 *     of the first range's first byte where this frame starts (0 otherwise)
 */
public record Frame(int number, List<BulkData> ranges, int firstBit) {
  public Frame {
    ranges = List.copyOf(ranges);
  }

  public long length() {
    long n = 0;
    for (BulkData r : ranges) {
      n += r.length();
    }
    return n;
  }
}
