package org.pacsmigrate.format.p10;

import java.io.IOException;
import java.io.OutputStream;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.VR;

/**
 * Supplies the values {@link P10Writer} does not hold in memory: a {@link BulkData} range (a whole value, or
 * one fragment of encapsulated pixel data) is streamed, never loaded, because it may be gigabytes.
 */
@FunctionalInterface
public interface BulkDataSource {

  /**
   * Writes the bytes of {@code range} to {@code out} in little endian byte order.
   *
   * @param path where the element sits; for a fragment, the path of its pixel data element
   * @param vr the element's VR as held in the data set (before the writer's UN fallback for long values), so a
   *     big endian source can swap by {@link VR#unitSize()}; {@link VR#OB} for a fragment, since encapsulated
   *     data is a byte stream that is never swapped
   * @param range the value's place in the source
   * @param out receives exactly {@code range.length()} bytes (checked; padding is the writer's job); it must
   *     not be closed
   */
  void copy(ElementPath path, VR vr, BulkData range, OutputStream out) throws IOException;

  /** For data sets held wholly in memory: any bulk value is an error. */
  static BulkDataSource none() {
    return (path, vr, range, out) -> {
      throw new IOException("no bulk data source for " + path);
    };
  }
}
