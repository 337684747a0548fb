package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.util.List;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * Decides, when a file is read, whether the archive can take it whole and give it back: what the study writer
 * would refuse for this instance (so one bad file never costs its study, found only when the ZIP is written),
 * and what export and verify need of an archived instance (a SOP Class UID for the File Meta Information, no
 * File Meta elements in the data set, encapsulated pixel data only under an encapsulated transfer syntax). A
 * file that passes can always be archived, exported and verified; the checks look at the header only.
 */
public final class ArchiveAdmission {
  private ArchiveAdmission() {}

  /**
   * The UID of a UID attribute when it holds exactly one well-formed value (trailing NUL or space padding
   * aside); otherwise an {@link IllegalArgumentException} naming the attribute and the broken rule. Null when
   * the attribute is absent or empty.
   */
  public static String singleUid(DataSet ds, int tag, String what) {
    String[] values = ds.asciiStrings(tag);
    if (values == null || values.length == 1 && values[0].isEmpty()) {
      return null;
    }
    if (values.length > 1) {
      throw new InvalidUidException(what, "it holds " + values.length + " values, a UID attribute holds one",
          String.join("\\", values));
    }
    return Uids.requireValid(values[0], what);
  }

  /** Why the archive cannot take {@code file} as it is, or null when it can. Checks Study, Series and SOP too. */
  public static String problem(DicomFile file) {
    DataSet ds = file.dataSet();
    try {
      for (DicomElement e : ds.elements()) {
        if (Tag.group(e.tag()) == 0x0002) {
          return "File Meta Information element " + Tag.toString(e.tag()) + " inside the data set (group 0002 "
              + "belongs before it, PS3.10 7.1)";
        }
      }
      if (singleUid(ds, Tag.SOPClassUID, "SOP Class UID (0008,0016)") == null) {
        return "no SOP Class UID (0008,0016)";
      }
      String[] declared = file.fileMeta().asciiStrings(Tag.TransferSyntaxUID);
      if (declared != null && declared.length > 1) {
        return "Transfer Syntax UID (0002,0010) holds " + declared.length + " values";
      }
      TransferSyntax syntax = file.transferSyntax();
      String tsProblem = Uids.problem(syntax.uid());
      if (tsProblem != null) {
        return "Transfer Syntax UID (0002,0010) is not a valid UID (" + tsProblem + "): " + Uids.show(syntax.uid());
      }
      DicomElement pixels = ds.get(Tag.PixelData);
      if (pixels != null && pixels.isEncapsulated() && !syntax.encapsulated()) {
        return "encapsulated Pixel Data (7FE0,0010) under the native transfer syntax " + syntax.uid()
            + ": its frames could not be given back as stored";
      }
      String study = singleUid(ds, Tag.StudyInstanceUID, "Study Instance UID (0020,000D)");
      if (study == null) {
        return "no Study Instance UID (0020,000D)";
      }
      singleUid(ds, Tag.SeriesInstanceUID, "Series Instance UID (0020,000E)");
      singleUid(ds, Tag.SOPInstanceUID, "SOP Instance UID (0008,0018)");
      // The study writer's own checks, for this instance alone: nothing it would refuse gets past here.
      ArchivePlanner.plan(study, List.of(new ArchiveInstance(file, () -> {
        throw new IOException("the admission check reads no source bytes");
      })));
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (IOException e) {
      return e instanceof org.pacsmigrate.format.p10.DicomParseException p ? p.reason() : e.getMessage();
    }
  }
}
