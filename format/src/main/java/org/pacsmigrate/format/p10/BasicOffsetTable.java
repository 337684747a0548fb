package org.pacsmigrate.format.p10;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pacsmigrate.format.dicom.BulkData;

/**
 * Keeps a Basic Offset Table true when the writer pads odd fragments. Its entries are byte offsets of frame
 * starts (Item tags) counted from the first fragment's Item tag (PS3.5 A.4), so each padded fragment moves
 * every later fragment by one byte.
 */
final class BasicOffsetTable {
  private BasicOffsetTable() {}

  /**
   * The table to write: {@code table} itself when no fragment is odd; otherwise a copy whose entries that
   * pointed at a fragment in the source point at it in the output. Other entries (a table that was already
   * wrong) are kept as they are, since there is nothing they could be mapped to.
   */
  static byte[] adjust(byte[] table, List<BulkData> fragments) {
    if (fragments.stream().noneMatch(f -> (f.length() & 1) != 0)) {
      return table;
    }
    Map<Long, Long> moved = new HashMap<>();
    long source = 0;
    long output = 0;
    for (BulkData f : fragments) {
      moved.put(source, output);
      source += 8 + f.length();
      output += 8 + f.length() + (f.length() & 1);
    }
    byte[] adjusted = table.clone();
    for (int i = 0; i + 4 <= adjusted.length; i += 4) {
      long entry = P10Reader.u32le(adjusted, i);
      Long now = moved.get(entry);
      if (now != null && now <= 0xFFFFFFFFL) {
        adjusted[i] = (byte) (long) now;
        adjusted[i + 1] = (byte) (now >>> 8);
        adjusted[i + 2] = (byte) (now >>> 16);
        adjusted[i + 3] = (byte) (now >>> 24);
      }
    }
    return adjusted;
  }
}
