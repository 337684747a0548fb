package org.pacsmigrate.format.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.pacsmigrate.format.json.TestElements.bytes;
import static org.pacsmigrate.format.json.TestElements.ds;
import static org.pacsmigrate.format.json.TestElements.fd;
import static org.pacsmigrate.format.json.TestElements.fl;
import static org.pacsmigrate.format.json.TestElements.json;
import static org.pacsmigrate.format.json.TestElements.raw;
import static org.pacsmigrate.format.json.TestElements.seq;
import static org.pacsmigrate.format.json.TestElements.text;
import static org.pacsmigrate.format.json.TestElements.ul;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

class DicomJsonRoundTripTest {
  private static final DicomJsonWriter WRITER = new DicomJsonWriter(BulkDataPolicy.inlineOnly(), 1024);
  private static final DicomJsonReader READER = new DicomJsonReader(BulkDataResolver.rejectAll());

  private static DataSet roundTrip(DataSet ds) throws IOException {
    return READER.fromJson(WRITER.toJson(ds));
  }

  @Test
  void everyVr() throws IOException {
    DataSet ds = DicomJsonWriterTest.everyVr();
    assertEquals(DicomJsonReader.normalise(ds), roundTrip(ds));
    assertEquals(ds, roundTrip(ds), "already padded: normalising changes nothing");
  }

  @Test
  void textWithEmptyValuesOddLengthsAndGroupLengths() throws IOException {
    DataSet ds = ds(
        ul(0x00080000, 40),
        raw(0x00080008, VR.CS, "ORIGINAL\\\\AXIAL"),
        raw(0x00080018, VR.UI, "1.2.3"),
        raw(0x00081030, VR.LO, "Head^Neck"),
        raw(0x00081040, VR.LO, "    "),
        raw(0x00100010, VR.PN, "Doe^John\\\\=Roe"),
        raw(0x00280030, VR.DS, "0.5\\garbage\\1e-3"),
        raw(0x00204000, VR.LT, "  leading spaces and a \\ stay"),
        bytes(0x00111001, VR.OB, (byte) 1, (byte) 2, (byte) 3));
    DataSet back = roundTrip(ds);
    assertEquals(DicomJsonReader.normalise(ds), back);
    assertNotEquals(ds, back, "odd lengths came back padded, the group length did not come back");
  }

  @Test
  void floatsIncludingNonFinite() throws IOException {
    DataSet ds = ds(
        fl(0x00111001, 0.1f, Float.MIN_VALUE, Float.MAX_VALUE, -0.0f, Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 1.17549435E-38f, 3.0000002f),
        fd(0x00111002, 0.1, Double.MIN_VALUE, Double.MAX_VALUE, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, 2.82879384806159E17, 1.0E23, 5e-324, 0.30000000000000004));
    assertEquals(ds, roundTrip(ds));
  }

  @Test
  void nestedSequencesWithTheirOwnCharacterSets() throws IOException {
    DataSet deepest = ds(text(0x00400009, VR.SH, "日本", StandardCharsets.UTF_8), seq(0x00400275),
        seq(0x00400100, ds()));
    DataSet utf8Item = ds(
        text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"),
        text(Tag.PatientName, VR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう", StandardCharsets.UTF_8),
        seq(0x00400275, deepest));
    DataSet latinItem = ds(text(Tag.PatientName, VR.PN, "Müller^Jürgen", StandardCharsets.ISO_8859_1));
    DataSet ds = ds(
        text(Tag.PatientName, VR.PN, "Ærø^Åse", StandardCharsets.ISO_8859_1),
        seq(0x00081115, utf8Item, latinItem, ds()),
        ul(0x00400000, 1));
    assertEquals(DicomJsonReader.normalise(ds), roundTrip(ds));
  }

  @Test
  void bulkValuesComeBackThroughTheResolver() throws IOException {
    DataSet ds = ds(
        bytes(0x00111001, VR.OW, new byte[64]),
        DicomElement.ofBulk(0x00111002, VR.OB, new BulkData(500, 3000)),
        seq(0x00111003, ds(DicomElement.ofBulk(0x00111004, VR.UN, new BulkData(4000, 10)))),
        DicomElement.ofFragments(Tag.PixelData, VR.OB, new byte[] {0, 0, 0, 0},
            List.of(new BulkData(9000, 100), new BulkData(9108, 200))));
    Map<String, DicomElement> store = new HashMap<>();
    BulkDataPolicy policy = new BulkDataPolicy() {
      @Override
      public String bulkDataUri(ElementPath path, DicomElement element) {
        store.put("bulk/" + path, element);
        return "bulk/" + path;
      }

      @Override
      public byte[] load(ElementPath path, DicomElement element) {
        throw new AssertionError("everything has a URI");
      }
    };
    DicomJsonReader reader = new DicomJsonReader((path, tag, vr, uri) -> store.get(uri));
    String json = new DicomJsonWriter(policy, 32).toJson(ds);
    assertEquals(4, store.size());
    assertEquals(ds, reader.fromJson(json));
  }

  @Test
  void arrayOfInstances() throws IOException {
    List<DataSet> instances = List.of(DicomJsonWriterTest.everyVr(), ds(),
        ds(text(Tag.SOPInstanceUID, VR.UI, "1.2.3.4")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WRITER.writeArray(instances, out);
    assertEquals(instances, READER.readArray(new ByteArrayInputStream(out.toByteArray())));
  }

  /** The other way round: canonical JSON survives read then write unchanged. */
  @Test
  void jsonToDataSetToJson() throws IOException {
    String canonical = json("{'00080005':{'vr':'CS','Value':['ISO_IR 192']},"
        + "'00100010':{'vr':'PN','Value':[{'Ideographic':'山田'},null,{'Alphabetic':'a','Phonetic':'c=d'}]},"
        + "'00181310':{'vr':'US','Value':[0,64,64,0]},'00280030':{'vr':'DS','Value':[0.50,'n/a',1E+3]},"
        + "'00400275':{'vr':'SQ','Value':[{},{'00400007':{'vr':'LO','Value':[null,'x']}}]},"
        + "'7FE00010':{'vr':'OW','InlineBinary':'AAEC'}}");
    assertEquals(canonical, WRITER.toJson(READER.fromJson(canonical)));
  }
}
