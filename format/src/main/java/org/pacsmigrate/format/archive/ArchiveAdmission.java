package org.pacsmigrate.format.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.json.DicomJsonReader;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.DicomParseException;
import org.pacsmigrate.format.p10.P10Writer;
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
   * aside) with VR UI (or UN); otherwise an {@link IllegalArgumentException} naming the attribute and the broken rule. Null when
   * the attribute is absent or empty.
   */
  public static String singleUid(DataSet ds, int tag, String what) {
    String[] values = ds.asciiStrings(tag);
    if (values == null || values.length == 1 && values[0].isEmpty()) {
      return null;
    }
    DicomElement element = ds.get(tag);
    // UN is how a UID looks after a round trip through a toolkit that did not know it (pydicom's rtdose_rle.dcm);
    // any other VR is a corrupt header.
    if (element.vr() != VR.UI && element.vr() != VR.UN) {
      throw new IllegalArgumentException(what + " has VR " + element.vr() + ", not UI");
    }
    if (values.length > 1) {
      throw new InvalidUidException(what, "it holds " + values.length + " values, a UID attribute holds one",
          String.join("\\", values));
    }
    return Uids.requireValid(values[0], what);
  }

  /** As {@link #problem(DicomFile, SeekableByteChannel)} for a file with no values to load from its source. */
  public static String problem(DicomFile file) {
    return problem(file, null);
  }

  /**
   * Why the archive cannot take {@code file} as it is, or null when it can. Checks Study, Series and SOP too,
   * and that the instance's metadata survives the archive's round trip: encoded as the study writer encodes it,
   * read back as export reads it, and written as Part 10 as export writes it (values not in memory stand in
   * as empty). {@code channel} (left open) is the source, for values the metadata holds but the header read left
   * in the file (long text).
   */
  public static String problem(DicomFile file, SeekableByteChannel channel) {
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
      SourceOpener source = () -> {
        if (channel == null) {
          throw new IOException("no source to load values from");
        }
        return new NonClosingChannel(channel);
      };
      List<InstancePlan> plans = ArchivePlanner.plan(study, List.of(new ArchiveInstance(file, source)));
      return roundTripProblem(plans.get(0), MetadataEncoder.encodeJson(plans));
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (IOException e) {
      return e instanceof DicomParseException p ? p.reason() : e.getMessage();
    } catch (RuntimeException e) {
      // A bug met by one odd file must reject that file, not stop a migration of millions.
      return "the archive check failed (please report): " + e.getClass().getName();
    }
  }

  /**
   * What export would meet: the metadata read back, then the instance written as Part 10 (to nowhere).
   * {@code metadata} is the JSON the study writer would gzip.
   */
  private static String roundTripProblem(InstancePlan plan, byte[] metadata) {
    List<DataSet> read;
    try (InputStream in = new ByteArrayInputStream(metadata)) {
      read = new DicomJsonReader((path, tag, vr, uri) -> DicomElement.ofBulk(tag, vr, new BulkData(0, 0)))
          .readArray(in);
    } catch (IOException | RuntimeException e) {
      return "its metadata cannot be read back from the archive: " + e.getMessage();
    }
    if (read.size() != 1) {
      return "its metadata reads back as " + read.size() + " instances";
    }
    DataSet ds = read.get(0);
    if (!plan.sopUid().equals(ds.asciiString(Tag.SOPInstanceUID))
        || !plan.seriesUid().equals(ds.asciiString(Tag.SeriesInstanceUID))
        || ds.asciiString(Tag.AvailableTransferSyntaxUID) == null) {
      return "its metadata does not read back with its SOP Instance, Series Instance and transfer syntax UIDs";
    }
    try {
      TransferSyntax syntax = plan.file().transferSyntax();
      ds.remove(Tag.AvailableTransferSyntaxUID);
      boolean encapsulated = plan.pixelTag() != 0 && ds.get(plan.pixelTag()) != null
          && !plan.frameContentType().equals(Multipart.contentType(ArchiveLayout.OCTET_STREAM,
              plan.sourceByteOrder()));
      if (plan.pixelTag() != 0 && ds.get(plan.pixelTag()) != null) {
        DicomElement px = ds.get(plan.pixelTag());
        ds.put(encapsulated ? DicomElement.ofFragments(px.tag(), VR.OB, new byte[0], List.of(new BulkData(0, 0)))
            : DicomElement.ofBulk(px.tag(), px.vr(), new BulkData(0, 0)));
      }
      TransferSyntax target = encapsulated ? TransferSyntax.forUid(syntax.uid())
          : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
      new P10Writer().write(ds, target, (path, vr, range, out) -> { }, P10Writer.DISCARD);
      return null;
    } catch (IOException | RuntimeException e) {
      return "it could not be exported from the archive: " + e.getMessage();
    }
  }
}
