package org.pacsmigrate.format.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;

/**
 * One instance as the archive's metadata describes it. Values published by BulkDataURI are placeholders
 * ({@link PlaceholderResolver}); {@link #uriOf} names the entry that holds each.
 */
public record ArchivedInstance(DataSet dataSet, String seriesUid, String sopUid, String transferSyntaxUid,
    PlaceholderResolver resolver) {

  /** The relative BulkDataURI of an element published out of line. */
  public String uriOf(ElementPath path) throws IOException {
    String uri = resolver.uriOf(dataSet, path);
    if (uri == null) {
      throw new IOException("instance " + sopUid + " has no bulk data at " + path);
    }
    return uri;
  }

  /** Every instance of the study, in the order of its metadata. */
  public static List<ArchivedInstance> all(StudyArchive archive) throws IOException {
    PlaceholderResolver resolver = archive.placeholderResolver();
    List<ArchivedInstance> out = new ArrayList<>();
    for (DataSet ds : archive.instances(resolver)) {
      String sop = ds.asciiString(Tag.SOPInstanceUID);
      String series = ds.asciiString(Tag.SeriesInstanceUID);
      String syntax = ds.asciiString(Tag.AvailableTransferSyntaxUID);
      if (sop == null || series == null || syntax == null) {
        throw new IOException("study " + archive.studyUid()
            + ": an instance in the metadata lacks its SOP Instance, Series Instance or transfer syntax UID");
      }
      out.add(new ArchivedInstance(ds, series, sop, syntax, resolver));
    }
    return out;
  }
}
