package org.pacsmigrate.format.archive;

import java.util.Objects;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.p10.DicomFile;

/**
 * One instance to archive.
 *
 * @param file the parsed source: its transfer syntax and the offsets its values are left at
 * @param metadata the data set to publish; normally {@code file.dataSet()}, or a changed copy (reconciliation)
 *     whose left-in-place and pixel elements still refer to ranges of {@code file}
 * @param source opens {@code file} again to copy those ranges
 */
public record ArchiveInstance(DicomFile file, DataSet metadata, SourceOpener source) {
  public ArchiveInstance {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(source, "source");
  }

  public ArchiveInstance(DicomFile file, SourceOpener source) {
    this(file, file.dataSet(), source);
  }
}
