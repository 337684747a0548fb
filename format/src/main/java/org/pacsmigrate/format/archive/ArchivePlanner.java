package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.Frame;
import org.pacsmigrate.format.p10.FrameLocator;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * Checks a study's instances and decides what each contributes, touching no source bytes: every reason to
 * refuse a study is found here, before an archive file exists.
 */
final class ArchivePlanner {
  private static final int[] PIXEL_TAGS = {Tag.PixelData, Tag.FloatPixelData, Tag.DoubleFloatPixelData};

  private ArchivePlanner() {}

  /** The plans in archive order (Series, then SOP Instance UID). */
  static List<InstancePlan> plan(String studyUid, List<ArchiveInstance> instances) throws IOException {
    Uids.requireValid(studyUid, "Study Instance UID of the archive");
    if (instances.isEmpty()) {
      throw new IllegalArgumentException("study " + studyUid + " has no instances to archive");
    }
    List<InstancePlan> plans = new ArrayList<>(instances.size());
    Map<String, String> sourceBySop = new HashMap<>();
    for (ArchiveInstance instance : instances) {
      InstancePlan plan = plan(studyUid, instance);
      String earlier = sourceBySop.putIfAbsent(plan.sopUid(), plan.source());
      if (earlier != null) {
        throw new IllegalArgumentException("SOP Instance UID " + plan.sopUid() + " occurs twice (" + earlier + ", "
            + plan.source() + "); duplicates must be resolved before archiving");
      }
      plans.add(plan);
    }
    plans.sort(InstancePlan.ARCHIVE_ORDER);
    return plans;
  }

  private static InstancePlan plan(String studyUid, ArchiveInstance instance) throws IOException {
    DicomFile file = instance.file();
    DataSet metadata = instance.metadata();
    String source = file.source();
    String study = metadata.asciiString(Tag.StudyInstanceUID);
    if (!studyUid.equals(study)) {
      throw new IllegalArgumentException(source + ": Study Instance UID (0020,000D) "
          + (study == null ? "is missing" : Uids.show(study) + " is not") + " the archive's study " + studyUid);
    }
    String series = Uids.requireValid(metadata.asciiString(Tag.SeriesInstanceUID),
        "Series Instance UID (0020,000E) of " + source);
    String sop = Uids.requireValid(metadata.asciiString(Tag.SOPInstanceUID),
        "SOP Instance UID (0008,0018) of " + source);
    TransferSyntax syntax = file.transferSyntax();
    Uids.requireValid(syntax.uid(), "Transfer Syntax UID of " + source);
    int pixelTag = pixelTag(metadata);
    checkEncapsulated(metadata, null, 0, pixelTag, source);
    DicomElement pixels = pixelTag == 0 ? null : metadata.get(pixelTag);
    List<Frame> frames = List.of();
    if (pixels != null && !pixels.isEmpty()) {
      // Frames are located in the data set being published, so its Number of Frames and the frame entries agree.
      frames = FrameLocator.locate(new DicomFile(source, file.size(), file.hasPreamble(), file.fileMeta(), metadata,
          syntax, file.dataSetOffset(), file.warnings()));
    }
    // Native values of a big endian source are written little endian (BigEndianValues), as PS3.18 defines the
    // wire form; every native value in the archive is therefore labelled Explicit VR Little Endian.
    String byteOrder = ArchiveLayout.NATIVE_LITTLE_ENDIAN;
    String frameType = pixels != null && pixels.isEncapsulated()
        ? Multipart.contentType(syntax.mediaType() == null ? ArchiveLayout.OCTET_STREAM : syntax.mediaType(), syntax.uid())
        : Multipart.contentType(ArchiveLayout.OCTET_STREAM, byteOrder);
    String available = syntax.bigEndian() ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid() : syntax.uid();
    return new InstancePlan(instance, withAvailableSyntax(metadata, available), series, sop,
        frames.isEmpty() ? 0 : pixelTag, frames, frameType, byteOrder);
  }

  /** The element {@link FrameLocator} takes frames from: the first of the three pixel data elements present. */
  private static int pixelTag(DataSet ds) {
    for (int tag : PIXEL_TAGS) {
      if (ds.contains(tag)) {
        return tag;
      }
    }
    return 0;
  }

  /**
   * Fragments have a place in the archive only as the frames of top-level pixel data; anywhere else (an icon
   * image, say) concatenating them would lose the fragment boundaries, so such an instance is refused.
   */
  private static void checkEncapsulated(DataSet ds, ElementPath sequence, int item, int pixelTag, String source) {
    for (DicomElement e : ds.elements()) {
      ElementPath path = sequence == null ? ElementPath.of(e.tag()) : sequence.child(item, e.tag());
      if (e.isEncapsulated() && (sequence != null || e.tag() != pixelTag)) {
        throw new IllegalArgumentException(source + ": encapsulated value at " + path
            + " is not the top-level pixel data; the archive has no form for it");
      }
      if (e.isSequence()) {
        for (int i = 0; i < e.items().size(); i++) {
          checkEncapsulated(e.items().get(i), path, i, pixelTag, source);
        }
      }
    }
  }

  /**
   * A copy with Available Transfer Syntax UID (0008,3002): the syntax the frames are kept in, the source's
   * (Explicit VR Little Endian for a big endian source, whose native values are swapped).
   */
  private static DataSet withAvailableSyntax(DataSet metadata, String syntaxUid) {
    DataSet copy = new DataSet();
    for (DicomElement e : metadata.elements()) {
      copy.put(e);
    }
    byte[] uid = (syntaxUid.length() % 2 == 1 ? syntaxUid + "\0" : syntaxUid).getBytes(StandardCharsets.US_ASCII);
    return copy.put(DicomElement.ofBytes(Tag.AvailableTransferSyntaxUID, VR.UI, uid));
  }
}
