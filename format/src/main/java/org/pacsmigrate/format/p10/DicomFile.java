package org.pacsmigrate.format.p10;

import java.util.List;
import org.pacsmigrate.format.dicom.DataSet;

/**
 * What {@link P10Reader} found in one Part 10 file: the file meta, the data set (large values left in the
 * file as {@link org.pacsmigrate.format.dicom.BulkData} ranges) and how it is encoded.
 *
 * @param dataSetOffset where the data set starts in the file. Bulk data offsets are file offsets, except
 *     for a deflated syntax, where they count from 0 in the inflated stream that starts here.
 * @param warnings things that were tolerated (odd lengths, a wrong group length...), for reports; they carry
 *     no attribute values, so they are safe to log.
 */
public record DicomFile(String source, long size, boolean hasPreamble, DataSet fileMeta, DataSet dataSet,
    TransferSyntax transferSyntax, long dataSetOffset, List<String> warnings) {

  public DicomFile {
    warnings = List.copyOf(warnings);
  }
}
