package org.pacsmigrate.format.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.util.EnumSet;
import java.util.Set;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.VR;

/** What the writer and reader share about PS3.18 Annex F. */
final class JsonModel {
  private JsonModel() {}

  static final String VR_MEMBER = "vr";
  static final String VALUE = "Value";
  static final String INLINE_BINARY = "InlineBinary";
  static final String BULK_DATA_URI = "BulkDataURI";
  static final String[] PN_GROUPS = {"Alphabetic", "Ideographic", "Phonetic"};

  /** VRs PS3.18 F.2.2 allows a BulkDataURI for. */
  static final Set<VR> BULK_DATA_URI_VRS = EnumSet.of(VR.DS, VR.FL, VR.FD, VR.IS, VR.LT, VR.OB, VR.OD, VR.OF,
      VR.OL, VR.OV, VR.OW, VR.SL, VR.SS, VR.ST, VR.SV, VR.UC, VR.UL, VR.UN, VR.US, VR.UT, VR.UV);

  /** Streams belong to the caller, and duplicate keys are errors rather than last-one-wins. */
  static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Path of element {@code tag} in item {@code item} of {@code sequence}, or at top level when it is null. */
  static ElementPath path(ElementPath sequence, int item, int tag) {
    return sequence == null ? ElementPath.of(tag) : sequence.child(item, tag);
  }

  static String prefix(ElementPath sequence, int item) {
    return sequence == null ? "" : sequence + "/" + item + "/";
  }
}
