package org.pacsmigrate.format.json;

import java.io.IOException;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.VR;

/** Turns a BulkDataURI met by {@link DicomJsonReader} into an element (typically one left in a file). */
public interface BulkDataResolver {

  /**
   * The element the URI stands for; it must have the given tag ({@code path.tag()}) and VR. Any element form
   * is accepted: bytes, a bulk range, or encapsulated fragments.
   */
  DicomElement resolve(ElementPath path, int tag, VR vr, String uri) throws IOException;

  /** For JSON that must be self-contained: every BulkDataURI is an error. */
  static BulkDataResolver rejectAll() {
    return (path, tag, vr, uri) -> {
      throw new DicomJsonException(path.toString(), "BulkDataURI found but no bulk data resolver was given");
    };
  }
}
