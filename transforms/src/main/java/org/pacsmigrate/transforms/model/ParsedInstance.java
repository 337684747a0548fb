package org.pacsmigrate.transforms.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomFileCodec;
import org.pacsmigrate.transforms.DuplicateResolver;
import org.pacsmigrate.transforms.io.HeaderDigest;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules;

/**
 * One input file whose header was read and checked, as the rest of the job needs it: a lean record, so a
 * shuffle of millions of files stays small (a few hundred bytes each, never the whole header).
 *
 * <ul>
 *   <li>where it is (the path exactly as listed, so reports and the archive step name the same file), its size
 *       and modification time;</li>
 *   <li>its Study, Series and SOP Instance UIDs, SOP Class UID and transfer syntax;</li>
 *   <li>what the duplicate rule needs: its top-level attribute count ({@link DuplicateResolver}) and, in
 *       {@link #reconciliation()}, its Instance Creation Date and Time;</li>
 *   <li>{@link #reconciliation()}: the top-level elements reconciliation reads (the compared attributes, the
 *       Specific Character Set, the dates it ranks by) and {@link #sourceAe()} for the audit trail. Kept encoded
 *       ({@link DicomFileCodec}): the Direct runner copies each grouped record many times through its coder, and
 *       only reconciliation and the duplicate rule look inside;</li>
 *   <li>a digest of the whole header ({@link HeaderDigest}). The archive step reads the header again from the
 *       source and publishes it only if the digest is unchanged.</li>
 * </ul>
 */
public record ParsedInstance(String path, long size, long modified, String studyUid, String seriesUid,
    String sopInstanceUid, String sopClassUid, String transferSyntaxUid, int attributeCount, String sourceAe,
    byte[] reconciliationEncoding, byte[] headerDigest) implements Serializable {

  private static final int INSTANCE_CREATION_DATE = 0x00080012;
  private static final int INSTANCE_CREATION_TIME = 0x00080013;
  private static final int STUDY_TIME = 0x00080030;
  private static final int CONTENT_DATE = 0x00080023;
  private static final int CONTENT_TIME = 0x00080033;
  private static final int SOURCE_APPLICATION_ENTITY_TITLE = 0x00020016;
  /** Read by reconciliation and the duplicate rule besides the compared attributes. */
  private static final List<Integer> ALWAYS_RECORDED = List.of(Tag.SpecificCharacterSet, INSTANCE_CREATION_DATE,
      INSTANCE_CREATION_TIME, Tag.StudyDate, STUDY_TIME, CONTENT_DATE, CONTENT_TIME);

  public ParsedInstance {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(studyUid, "studyUid");
    Objects.requireNonNull(seriesUid, "seriesUid");
    Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
    sopClassUid = sopClassUid == null ? "" : sopClassUid;
    transferSyntaxUid = transferSyntaxUid == null ? "" : transferSyntaxUid;
    sourceAe = sourceAe == null ? "" : sourceAe;
    Objects.requireNonNull(reconciliationEncoding, "reconciliationEncoding");
    Objects.requireNonNull(headerDigest, "headerDigest");
  }

  /**
   * The record of a checked header.
   *
   * @param recorded the top-level tags to keep in {@link #reconciliation()} ({@link #recordedTags})
   */
  public static ParsedInstance of(String path, long size, long modified, DicomFile header, Set<Integer> recorded) {
    DataSet ds = header.dataSet();
    DataSet kept = new DataSet();
    for (int tag : recorded) {
      DicomElement e = ds.get(tag);
      if (e != null) {
        kept.put(e);
      }
    }
    return new ParsedInstance(path, size, modified, ds.asciiString(Tag.StudyInstanceUID),
        ds.asciiString(Tag.SeriesInstanceUID), ds.asciiString(Tag.SOPInstanceUID), ds.asciiString(Tag.SOPClassUID),
        header.transferSyntax().uid(), DuplicateResolver.attributeCount(ds),
        header.fileMeta().asciiString(SOURCE_APPLICATION_ENTITY_TITLE), encode(kept), HeaderDigest.of(header));
  }

  /** The recorded top-level elements (a new data set each call: callers keep it as long as they need it). */
  public DataSet reconciliation() {
    try {
      return DicomFileCodec.readDataSet(new DataInputStream(new ByteArrayInputStream(reconciliationEncoding)), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("a record's own encoding cannot be read back", e);
    }
  }

  static byte[] encode(DataSet ds) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      DicomFileCodec.writeDataSet(ds, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing to memory", e);
    }
    return bytes.toByteArray();
  }

  /** The tags {@link #reconciliation()} holds for these rules. */
  public static Set<Integer> recordedTags(ReconciliationRules rules) {
    Set<Integer> tags = new HashSet<>(ALWAYS_RECORDED);
    for (ReconciliationRules.Attribute a : rules.attributes()) {
      tags.add(a.tag());
    }
    return Set.copyOf(tags);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParsedInstance p && path.equals(p.path) && size == p.size && modified == p.modified
        && studyUid.equals(p.studyUid) && seriesUid.equals(p.seriesUid) && sopInstanceUid.equals(p.sopInstanceUid)
        && sopClassUid.equals(p.sopClassUid) && transferSyntaxUid.equals(p.transferSyntaxUid)
        && attributeCount == p.attributeCount && sourceAe.equals(p.sourceAe)
        && Arrays.equals(reconciliationEncoding, p.reconciliationEncoding)
        && Arrays.equals(headerDigest, p.headerDigest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path, size, sopInstanceUid, Arrays.hashCode(headerDigest));
  }

  @Override
  public String toString() {
    // No attribute values (patient data): only where the file is and what it is.
    return "ParsedInstance[" + path + ", " + size + " bytes, SOP " + sopInstanceUid + "]";
  }
}
