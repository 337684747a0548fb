package org.pacsmigrate.format.archive;

import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;

/** A value the metadata refers to by BulkDataURI: it becomes one bulk data entry. */
record BulkValue(ElementPath path, DicomElement element) {
  long length() {
    return element.hasBytes() ? element.bytes().length : element.bulk().length();
  }
}
