package org.pacsmigrate.format.p10;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.p10.WriterFixtures.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/** What the writer refuses, and that it says why without quoting any value. */
class P10WriterRefusalTest {
  private static final TransferSyntax JPEG = TransferSyntax.forUid(WriterFixtures.JPEG_BASELINE);

  private static Exception refused(Class<? extends Exception> type, DataSet meta, DataSet d, TransferSyntax ts,
      BulkDataSource bulk) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exception e = assertThrows(type, () -> new P10Writer().write(meta, d, ts, bulk, out));
    assertFalse(e.getMessage().contains("Doe"), e.getMessage());
    assertFalse(e.getMessage().contains(WriterFixtures.SOP_INSTANCE), e.getMessage());
    return e;
  }

  private static Exception refused(DataSet d, TransferSyntax ts) {
    return refused(IllegalArgumentException.class, null, d, ts, BulkDataSource.none());
  }

  @Test
  void refusesEverySyntaxButExplicitLittleEndian() {
    for (TransferSyntax ts : List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
        TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)) {
      assertTrue(refused(WriterFixtures.baseDataSet(), ts).getMessage().contains(ts.uid()));
    }
  }

  @Test
  void refusesPixelDataThatDoesNotMatchTheSyntax() {
    DataSet encapsulated = WriterFixtures.encapsulated(new WriterFixtures.FakeSource());
    assertTrue(refused(encapsulated, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).getMessage()
        .startsWith("encapsulated Pixel Data"));
    DataSet nativePixels = WriterFixtures.baseDataSet();
    nativePixels.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, new byte[512]));
    assertTrue(refused(nativePixels, JPEG).getMessage().startsWith("native Pixel Data"));
  }

  @Test
  void refusesEncapsulatedValuesInsideItemsInANativeSyntax() {
    DataSet icon = new DataSet().put(DicomElement.ofFragments(Tag.PixelData, VR.OB, new byte[0], List.of()));
    DataSet d = WriterFixtures.baseDataSet().put(DicomElement.ofItems(0x00880200, List.of(icon)));
    assertTrue(refused(d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).getMessage().contains("00880200/0/7FE00010"));
  }

  @Test
  void refusesMetaElementsInTheDataSetAndOthersInTheMeta() {
    DataSet d = WriterFixtures.baseDataSet().put(text(Tag.TransferSyntaxUID, VR.UI, "1.2.840.10008.1.2"));
    assertTrue(refused(d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).getMessage().contains("(0002,0010)"));
    Exception e = refused(IllegalArgumentException.class, WriterFixtures.baseDataSet(),
        WriterFixtures.baseDataSet(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none());
    assertTrue(e.getMessage().startsWith("fileMeta holds"), e.getMessage());
  }

  @Test
  void refusesADataSetWithoutSopUids() {
    DataSet d = WriterFixtures.baseDataSet();
    d.remove(Tag.SOPInstanceUID);
    assertTrue(refused(d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).getMessage().contains("(0008,0018)"));
  }

  @Test
  void refusesDelimiterTagsHeldAsElements() {
    DataSet d = WriterFixtures.baseDataSet().put(DicomElement.ofBytes(Tag.Item, VR.OB, new byte[0]));
    assertTrue(refused(d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).getMessage().contains("(FFFE,E000)"));
  }

  @Test
  void failsWhenTheSourceWritesTooFewOrTooManyBytes() {
    DataSet d = WriterFixtures.baseDataSet();
    d.put(DicomElement.ofBulk(Tag.PixelData, VR.OW, new BulkData(0, 512)));
    Exception few = refused(IOException.class, null, d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        (path, vr, range, out) -> out.write("Doe^Jane".getBytes()));
    assertEquals("7FE00010: 8 bytes written of the 512 announced", few.getMessage());
    Exception many = refused(IOException.class, null, d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        (path, vr, range, out) -> out.write(new byte[513]));
    assertEquals("7FE00010: more than the 512 bytes announced", many.getMessage());
    Exception none = refused(IOException.class, null, d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        BulkDataSource.none());
    assertEquals("no bulk data source for 7FE00010", none.getMessage());
  }

  @Test
  void refusesANestingThatNeverEnds() {
    DataSet loop = new DataSet();
    loop.put(DicomElement.ofItems(0x00081115, List.of(loop)));
    DataSet d = WriterFixtures.baseDataSet().put(DicomElement.ofItems(0x00081115, List.of(loop)));
    assertTrue(refused(d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN).getMessage().startsWith("sequences nested"));
  }
}
