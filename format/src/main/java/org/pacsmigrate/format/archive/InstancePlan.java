package org.pacsmigrate.format.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.Frame;

/**
 * What the writer puts in the archive for one instance, decided before the first byte is written: the data set
 * to publish, its frames and (once the metadata is encoded) its bulk values.
 *
 * @param pixelTag the top-level pixel data element the frames come from, 0 when there are no frames
 * @param frameContentType Content-Type of every frame part of the instance
 * @param sourceByteOrder label of native values copied from the source (frames, bulk ranges): always little
 *     endian, those of a big endian source being swapped on the way
 */
record InstancePlan(ArchiveInstance instance, DataSet published, String seriesUid, String sopUid, int pixelTag,
    List<Frame> frames, String frameContentType, String sourceByteOrder, List<BulkValue> bulkValues) {

  static final Comparator<InstancePlan> ARCHIVE_ORDER =
      Comparator.comparing(InstancePlan::seriesUid).thenComparing(InstancePlan::sopUid);

  InstancePlan(ArchiveInstance instance, DataSet published, String seriesUid, String sopUid, int pixelTag,
      List<Frame> frames, String frameContentType, String sourceByteOrder) {
    this(instance, published, seriesUid, sopUid, pixelTag, List.copyOf(frames), frameContentType, sourceByteOrder,
        new ArrayList<>());
  }

  DicomFile file() {
    return instance.file();
  }

  /** The unit a native value of this VR is swapped by on its way into the archive: 1 when it is not. */
  int swapUnit(org.pacsmigrate.format.dicom.VR vr) {
    return instance.file().transferSyntax().bigEndian() ? Math.max(1, vr.unitSize()) : 1;
  }

  String source() {
    return instance.file().source();
  }
}
