package org.pacsmigrate.format.archive;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.json.BulkDataPolicy;
import org.pacsmigrate.format.p10.SourceBulkData;

/**
 * The archive's answer to "inline or BulkDataURI" for one instance: the top-level pixel data points at its
 * frames, every other value offered gets a bulk data entry, which is recorded in the plan as it is handed out
 * so the entries match the metadata exactly.
 */
final class ArchiveBulkDataPolicy implements BulkDataPolicy, Closeable {
  private final InstancePlan plan;
  private SourceBulkData source;

  ArchiveBulkDataPolicy(InstancePlan plan) {
    this.plan = plan;
  }

  @Override
  public String bulkDataUri(ElementPath path, DicomElement element) {
    if (path.depth() == 0 && path.tag() == plan.pixelTag()) {
      return ArchiveLayout.framesUri(plan.seriesUid(), plan.sopUid());
    }
    plan.bulkValues().add(new BulkValue(path, element));
    return ArchiveLayout.bulkDataUri(plan.seriesUid(), plan.sopUid(), path);
  }

  /**
   * Values left in the source whose VR cannot be a BulkDataURI (long text such as LO or UI, AT): read, in little
   * endian as JSON needs, from the source. Opened on first need, as most instances have none.
   */
  @Override
  public byte[] load(ElementPath path, DicomElement element) throws IOException {
    if (source == null) {
      source = new SourceBulkData(plan.instance().source().open(), plan.file());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(element.length(), 1 << 20));
    source.copy(path, element.vr(), element.bulk(), out);
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    if (source != null) {
      source.close();
    }
  }
}
