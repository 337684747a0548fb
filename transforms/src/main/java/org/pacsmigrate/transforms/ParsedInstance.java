package org.pacsmigrate.transforms;

import java.util.Objects;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;

/**
 * One input file whose header was read and checked: where it is (the path exactly as listed, so reports and
 * the archive step name the same file), its size, and the header. Pixel data and other large values are only
 * offsets into the file, so this is what crosses the shuffle, never the bytes.
 */
public record ParsedInstance(String path, long size, DicomFile header) {

  public ParsedInstance {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(header, "header");
  }

  public String studyUid() {
    return header.dataSet().asciiString(Tag.StudyInstanceUID);
  }

  public String seriesUid() {
    return header.dataSet().asciiString(Tag.SeriesInstanceUID);
  }

  public String sopInstanceUid() {
    return header.dataSet().asciiString(Tag.SOPInstanceUID);
  }
}
