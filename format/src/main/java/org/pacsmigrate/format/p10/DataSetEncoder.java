package org.pacsmigrate.format.p10;

import java.io.IOException;
import org.pacsmigrate.format.io.ExactLengthOutputStream;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/**
 * Writes data sets in explicit VR little endian as they stream out: sequences and items have undefined
 * length with delimiters, so nothing is measured before it is written and bulk values go straight from the
 * {@link BulkDataSource} to the output.
 */
final class DataSetEncoder {
  /** Far beyond any real data set (the reader stops at 64); stops a data set that contains itself. */
  private static final int MAX_DEPTH = 256;
  private static final long MAX_SHORT_LENGTH = 0xFFFF;
  /** 0xFFFFFFFF means undefined length, so an even value can be at most this long. */
  private static final long MAX_LENGTH = 0xFFFFFFFEL;

  private final ExplicitLeOutput out;
  private final BulkDataSource bulk;
  private final boolean encapsulatedSyntax;

  DataSetEncoder(ExplicitLeOutput out, BulkDataSource bulk, boolean encapsulatedSyntax) {
    this.out = out;
    this.bulk = bulk;
    this.encapsulatedSyntax = encapsulatedSyntax;
  }

  void writeTopLevel(DataSet dataSet) throws IOException {
    writeDataSet(dataSet, null, 0, 0);
  }

  /** Elements of {@code dataSet}, which is item {@code itemIndex} of the sequence at {@code sequence} (null: top). */
  private void writeDataSet(DataSet dataSet, ElementPath sequence, int itemIndex, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("sequences nested deeper than " + MAX_DEPTH + " at " + sequence);
    }
    for (DicomElement e : dataSet.elements()) {
      // Group lengths are retired (PS3.5 7.2) and would have to be recomputed; readers do not need them.
      if (Tag.isGroupLength(e.tag())) {
        continue;
      }
      ElementPath path = sequence == null ? ElementPath.of(e.tag()) : sequence.child(itemIndex, e.tag());
      writeElement(e, path, depth);
    }
  }

  private void writeElement(DicomElement e, ElementPath path, int depth) throws IOException {
    int tag = e.tag();
    if (Tag.group(tag) == 0xFFFE) {
      throw new IllegalArgumentException("item or delimiter tag " + Tag.toString(tag) + " held as an element at "
          + path);
    }
    if (e.isSequence()) {
      writeSequence(e.items(), path, depth);
    } else if (e.isEncapsulated()) {
      writeEncapsulated(e, path);
    } else if (e.hasBytes()) {
      byte[] value = e.bytes();
      out.elementHeader(tag, writtenVr(e.vr(), path, value.length), paddedLength(path, value.length));
      out.write(value);
      out.padIfOdd(value.length, e.vr().paddingByte());
    } else {
      BulkData range = e.bulk();
      out.elementHeader(tag, writtenVr(e.vr(), path, range.length()), paddedLength(path, range.length()));
      copy(path, e.vr(), range);
      out.padIfOdd(range.length(), e.vr().paddingByte());
    }
  }

  private void writeSequence(List<DataSet> items, ElementPath path, int depth) throws IOException {
    out.elementHeader(path.tag(), VR.SQ, ExplicitLeOutput.UNDEFINED_LENGTH);
    for (int i = 0; i < items.size(); i++) {
      out.itemHeader(Tag.Item, ExplicitLeOutput.UNDEFINED_LENGTH);
      writeDataSet(items.get(i), path, i, depth + 1);
      out.itemHeader(Tag.ItemDelimitationItem, 0);
    }
    out.itemHeader(Tag.SequenceDelimitationItem, 0);
  }

  /** PS3.5 A.4: OB of undefined length, the Basic Offset Table item, one item per fragment, a delimiter. */
  private void writeEncapsulated(DicomElement e, ElementPath path) throws IOException {
    if (!encapsulatedSyntax) {
      throw new IllegalArgumentException("encapsulated " + path + " cannot be written in a native transfer syntax");
    }
    out.elementHeader(e.tag(), VR.OB, ExplicitLeOutput.UNDEFINED_LENGTH);
    byte[] table = BasicOffsetTable.adjust(e.basicOffsetTable(), e.fragments());
    out.itemHeader(Tag.Item, paddedLength(path, table.length));
    out.write(table);
    out.padIfOdd(table.length, 0);
    for (BulkData fragment : e.fragments()) {
      // Item lengths must be even (PS3.5 A.4), so an odd fragment gets a trailing zero, as dcmtk writes it;
      // codecs stop at their end-of-stream marker, and BasicOffsetTable shifts the frame offsets to match.
      out.itemHeader(Tag.Item, paddedLength(path, fragment.length()));
      copy(path, VR.OB, fragment);
      out.padIfOdd(fragment.length(), 0);
    }
    out.itemHeader(Tag.SequenceDelimitationItem, 0);
  }

  private void copy(ElementPath path, VR vr, BulkData range) throws IOException {
    ExactLengthOutputStream target = new ExactLengthOutputStream(out.stream(), range.length(), path.toString());
    bulk.copy(path, vr, range, target);
    target.finish();
  }

  /**
   * A value too long for a 16-bit length is written as UN, whose length is 32 bits, as dcmtk does: the bytes
   * are unchanged (UN holds what implicit VR little endian would), so the value survives, but its VR must
   * come from the dictionary when read back. The alternative, refusing the file, would lose the instance.
   */
  private static VR writtenVr(VR vr, ElementPath path, long length) {
    return vr.hasLongExplicitHeader() || paddedLength(path, length) <= MAX_SHORT_LENGTH ? vr : VR.UN;
  }

  private static long paddedLength(ElementPath path, long length) {
    long padded = length + (length & 1);
    if (padded > MAX_LENGTH) {
      throw new IllegalArgumentException(path + " is " + length + " bytes, more than a 32-bit length can hold");
    }
    return padded;
  }
}
