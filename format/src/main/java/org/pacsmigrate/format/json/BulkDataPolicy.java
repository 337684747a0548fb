package org.pacsmigrate.format.json;

import java.io.IOException;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;

/** Decides, for {@link DicomJsonWriter}, which values go out of the JSON as BulkDataURI. */
public interface BulkDataPolicy {

  /**
   * The URI to write as BulkDataURI, or null to write the value inline. Called for every value not held in
   * memory (pixel data, bulk ranges, encapsulated fragments) and for in-memory OB, OD, OF, OL, OV, OW and UN
   * values longer than the writer's inline threshold; never for empty values, nor for VRs PS3.18 F.2.2 does not
   * allow a BulkDataURI for (such values, if not in memory, are loaded and written inline).
   */
  String bulkDataUri(ElementPath path, DicomElement element) throws IOException;

  /** The bytes (little endian) of a value not held in memory, when {@link #bulkDataUri} returned null for it. */
  byte[] load(ElementPath path, DicomElement element) throws IOException;

  /** Everything inline; fails on values not held in memory, as it has nowhere to read them from. */
  static BulkDataPolicy inlineOnly() {
    return new BulkDataPolicy() {
      @Override
      public String bulkDataUri(ElementPath path, DicomElement element) {
        return null;
      }

      @Override
      public byte[] load(ElementPath path, DicomElement element) throws IOException {
        throw new DicomJsonException(path.toString(), "value is not in memory and the policy cannot load it");
      }
    };
  }
}
