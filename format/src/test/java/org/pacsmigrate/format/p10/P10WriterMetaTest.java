package org.pacsmigrate.format.p10;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.p10.WriterFixtures.text;
import static org.pacsmigrate.format.p10.WriterFixtures.write;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/** File Meta Information: what the writer sets, what it keeps from the caller. */
class P10WriterMetaTest {
  private static final String DOCUMENTED_UUID = "381a4bb0-0026-40fa-89e4-de31bbbdb467";

  @TempDir
  Path dir;

  @Test
  void preambleAndCompleteFileMeta() throws IOException {
    Path file = write(dir, "meta.dcm", null, WriterFixtures.baseDataSet(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        BulkDataSource.none());
    byte[] all = Files.readAllBytes(file);
    assertArrayEquals(new byte[128], Arrays.copyOf(all, 128));
    assertEquals("DICM", new String(all, 128, 4, java.nio.charset.StandardCharsets.US_ASCII));

    DicomFile back = new P10Reader().read(file);
    assertEquals(List.of(), back.warnings(), "a wrong group length would be reported here");
    DataSet meta = back.fileMeta();
    assertEquals(back.dataSetOffset() - 144, meta.integer(Tag.FileMetaInformationGroupLength, -1));
    assertArrayEquals(new byte[] {0, 1}, meta.get(Tag.FileMetaInformationVersion).bytes());
    assertEquals(VR.OB, meta.get(Tag.FileMetaInformationVersion).vr());
    assertUid(meta, Tag.MediaStorageSOPClassUID, WriterFixtures.SOP_CLASS);
    assertUid(meta, Tag.MediaStorageSOPInstanceUID, WriterFixtures.SOP_INSTANCE);
    assertUid(meta, Tag.TransferSyntaxUID, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid());
    assertUid(meta, Tag.ImplementationClassUID, P10Writer.IMPLEMENTATION_CLASS_UID);
    assertEquals(VR.SH, meta.get(Tag.ImplementationVersionName).vr());
    assertEquals(P10Writer.IMPLEMENTATION_VERSION_NAME, meta.asciiString(Tag.ImplementationVersionName));
    assertEquals(7, meta.size());
    assertEquals(WriterFixtures.expected(WriterFixtures.baseDataSet(), null), back.dataSet());
  }

  private static void assertUid(DataSet meta, int tag, String uid) {
    DicomElement e = meta.get(tag);
    assertEquals(VR.UI, e.vr());
    String raw = new String(e.bytes(), java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(uid.length() % 2 == 0 ? uid : uid + "\0", raw, Tag.toString(tag));
  }

  @Test
  void callerMetaIsKeptExceptWhatTheWriterOwns() throws IOException {
    DataSet given = new DataSet()
        .put(DicomElement.ofBytes(Tag.FileMetaInformationGroupLength, VR.UL, new byte[] {1, 0, 0, 0}))
        .put(DicomElement.ofBytes(Tag.FileMetaInformationVersion, VR.OB, new byte[] {0, 9}))
        .put(text(Tag.MediaStorageSOPClassUID, VR.UI, "1.2.3.4"))
        .put(text(Tag.TransferSyntaxUID, VR.UI, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid()))
        .put(text(Tag.ImplementationClassUID, VR.UI, "1.2.276.0.7230010.3.0.3.6.7"))
        .put(text(Tag.ImplementationVersionName, VR.SH, "OFFIS_DCMTK_367"))
        .put(text(0x00020016, VR.AE, "SOURCE_AE"))
        .put(text(0x00020100, VR.UI, "1.2.5"))
        .put(WriterFixtures.bin(0x00020102, VR.OB, 1, 2, 3));
    Path file = write(dir, "kept.dcm", given, WriterFixtures.baseDataSet(),
        TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none());

    DicomFile back = new P10Reader().read(file);
    assertEquals(List.of(), back.warnings());
    DataSet meta = back.fileMeta();
    assertEquals("SOURCE_AE", meta.asciiString(0x00020016));
    assertEquals("1.2.5", meta.asciiString(0x00020100));
    assertArrayEquals(new byte[] {1, 2, 3, 0}, meta.get(0x00020102).bytes());
    assertArrayEquals(new byte[] {0, 1}, meta.get(Tag.FileMetaInformationVersion).bytes());
    assertEquals(WriterFixtures.SOP_CLASS, meta.asciiString(Tag.MediaStorageSOPClassUID), "the data set wins");
    assertEquals(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), meta.asciiString(Tag.TransferSyntaxUID));
    assertEquals(P10Writer.IMPLEMENTATION_CLASS_UID, meta.asciiString(Tag.ImplementationClassUID));
    assertEquals(P10Writer.IMPLEMENTATION_VERSION_NAME, meta.asciiString(Tag.ImplementationVersionName));
    assertEquals(back.dataSetOffset() - 144, meta.integer(Tag.FileMetaInformationGroupLength, -1));
    assertEquals(10, meta.size());
  }

  @Test
  void sopUidsComeFromCallerMetaWhenTheDataSetHasNone() throws IOException {
    DataSet d = WriterFixtures.baseDataSet();
    d.remove(Tag.SOPClassUID);
    d.remove(Tag.SOPInstanceUID);
    DataSet given = new DataSet().put(text(Tag.MediaStorageSOPClassUID, VR.UI, "1.2.3.4"))
        .put(text(Tag.MediaStorageSOPInstanceUID, VR.UI, "1.2.3.4.5"));
    Path file = write(dir, "fallback.dcm", given, d, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
        BulkDataSource.none());

    DataSet meta = new P10Reader().read(file).fileMeta();
    assertEquals("1.2.3.4", meta.asciiString(Tag.MediaStorageSOPClassUID));
    assertEquals("1.2.3.4.5", meta.asciiString(Tag.MediaStorageSOPInstanceUID));
  }

  @Test
  void encapsulatedSyntaxUidIsRecorded() throws IOException {
    WriterFixtures.FakeSource source = new WriterFixtures.FakeSource();
    TransferSyntax unknown = TransferSyntax.forUid("1.2.840.10008.1.2.4.999");
    Path file = write(dir, "unknown.dcm", null, WriterFixtures.encapsulated(source), unknown, source);

    DicomFile back = new P10Reader().read(file);
    assertEquals("1.2.840.10008.1.2.4.999", back.fileMeta().asciiString(Tag.TransferSyntaxUID));
    assertTrue(back.dataSet().get(Tag.PixelData).isEncapsulated());
  }

  @Test
  void implementationClassUidIsDerivedFromTheDocumentedUuid() {
    String uid = "2.25." + new BigInteger(DOCUMENTED_UUID.replace("-", ""), 16);
    assertEquals(uid, P10Writer.IMPLEMENTATION_CLASS_UID);
    assertTrue(uid.length() <= 64);
    assertTrue(P10Writer.IMPLEMENTATION_VERSION_NAME.length() <= 16);
    assertFalse(P10Writer.IMPLEMENTATION_VERSION_NAME.contains("\\"));
  }
}
