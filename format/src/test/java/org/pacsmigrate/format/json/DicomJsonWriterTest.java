package org.pacsmigrate.format.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.json.TestElements.at;
import static org.pacsmigrate.format.json.TestElements.bytes;
import static org.pacsmigrate.format.json.TestElements.ds;
import static org.pacsmigrate.format.json.TestElements.fd;
import static org.pacsmigrate.format.json.TestElements.fl;
import static org.pacsmigrate.format.json.TestElements.json;
import static org.pacsmigrate.format.json.TestElements.longs;
import static org.pacsmigrate.format.json.TestElements.raw;
import static org.pacsmigrate.format.json.TestElements.seq;
import static org.pacsmigrate.format.json.TestElements.sl;
import static org.pacsmigrate.format.json.TestElements.ss;
import static org.pacsmigrate.format.json.TestElements.text;
import static org.pacsmigrate.format.json.TestElements.ul;
import static org.pacsmigrate.format.json.TestElements.us;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

class DicomJsonWriterTest {
  private static final DicomJsonWriter INLINE = new DicomJsonWriter(BulkDataPolicy.inlineOnly(), 1024);

  static int t(int n) {
    return 0x00111000 + n;
  }

  /** One element of every VR, in the form the standard gives each. */
  static DataSet everyVr() {
    return ds(
        text(t(0x01), VR.AE, "STORESCP"),
        text(t(0x02), VR.AS, "042Y"),
        at(t(0x03), 0x00180050, 0x00200032),
        text(t(0x04), VR.CS, "ORIGINAL\\PRIMARY"),
        text(t(0x05), VR.DA, "20240131"),
        text(t(0x06), VR.DS, "1.50\\-2"),
        text(t(0x07), VR.DT, "20240131120000.5+0100"),
        fd(t(0x08), 0.1, -2.5),
        fl(t(0x09), 0.1f),
        text(t(0x0A), VR.IS, "42"),
        text(t(0x0B), VR.LO, "Hospital"),
        text(t(0x0C), VR.LT, "one\\two"),
        bytes(t(0x0D), VR.OB, (byte) 1, (byte) 2, (byte) 3, (byte) 4),
        fdAs(t(0x0E), VR.OD, 1.0),
        bytes(t(0x0F), VR.OF, (byte) 0, (byte) 1, (byte) 2, (byte) 3),
        bytes(t(0x10), VR.OL, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF),
        longs(t(0x11), VR.OV, 1),
        bytes(t(0x12), VR.OW, (byte) 0x34, (byte) 0x12),
        text(t(0x13), VR.PN, "Doe^John"),
        text(t(0x14), VR.SH, "SH1"),
        sl(t(0x15), -5, 70000),
        seq(t(0x16), ds(text(t(0x0B), VR.LO, "in item"))),
        ss(t(0x17), -32768),
        text(t(0x18), VR.ST, "Short text"),
        longs(t(0x19), VR.SV, -1),
        text(t(0x1A), VR.TM, "120000.000"),
        text(t(0x1B), VR.UC, "UC1\\UC2"),
        text(t(0x1C), VR.UI, "1.2.840.10008.1.2"),
        ul(t(0x1D), 4294967295L),
        bytes(t(0x1E), VR.UN, (byte) 0xFF, (byte) 0),
        text(t(0x1F), VR.UR, "https://example.org/wado"),
        us(t(0x20), 0, 65535),
        text(t(0x21), VR.UT, "Unlimited"),
        longs(t(0x22), VR.UV, -1));
  }

  private static DicomElement fdAs(int tag, VR vr, double d) {
    return DicomElement.ofBytes(tag, vr, fd(tag, d).bytes());
  }

  @Test
  void everyVrIsWrittenAsItsJsonType() throws IOException {
    String expected = json("{"
        + "'00111001':{'vr':'AE','Value':['STORESCP']},"
        + "'00111002':{'vr':'AS','Value':['042Y']},"
        + "'00111003':{'vr':'AT','Value':['00180050','00200032']},"
        + "'00111004':{'vr':'CS','Value':['ORIGINAL','PRIMARY']},"
        + "'00111005':{'vr':'DA','Value':['20240131']},"
        + "'00111006':{'vr':'DS','Value':[1.50,-2]},"
        + "'00111007':{'vr':'DT','Value':['20240131120000.5+0100']},"
        + "'00111008':{'vr':'FD','Value':[0.1,-2.5]},"
        + "'00111009':{'vr':'FL','Value':[0.1]},"
        + "'0011100A':{'vr':'IS','Value':[42]},"
        + "'0011100B':{'vr':'LO','Value':['Hospital']},"
        + "'0011100C':{'vr':'LT','Value':['one\\\\two']},"
        + "'0011100D':{'vr':'OB','InlineBinary':'AQIDBA=='},"
        + "'0011100E':{'vr':'OD','InlineBinary':'AAAAAAAA8D8='},"
        + "'0011100F':{'vr':'OF','InlineBinary':'AAECAw=='},"
        + "'00111010':{'vr':'OL','InlineBinary':'/////w=='},"
        + "'00111011':{'vr':'OV','InlineBinary':'AQAAAAAAAAA='},"
        + "'00111012':{'vr':'OW','InlineBinary':'NBI='},"
        + "'00111013':{'vr':'PN','Value':[{'Alphabetic':'Doe^John'}]},"
        + "'00111014':{'vr':'SH','Value':['SH1']},"
        + "'00111015':{'vr':'SL','Value':[-5,70000]},"
        + "'00111016':{'vr':'SQ','Value':[{'0011100B':{'vr':'LO','Value':['in item']}}]},"
        + "'00111017':{'vr':'SS','Value':[-32768]},"
        + "'00111018':{'vr':'ST','Value':['Short text']},"
        + "'00111019':{'vr':'SV','Value':[-1]},"
        + "'0011101A':{'vr':'TM','Value':['120000.000']},"
        + "'0011101B':{'vr':'UC','Value':['UC1','UC2']},"
        + "'0011101C':{'vr':'UI','Value':['1.2.840.10008.1.2']},"
        + "'0011101D':{'vr':'UL','Value':[4294967295]},"
        + "'0011101E':{'vr':'UN','InlineBinary':'/wA='},"
        + "'0011101F':{'vr':'UR','Value':['https://example.org/wado']},"
        + "'00111020':{'vr':'US','Value':[0,65535]},"
        + "'00111021':{'vr':'UT','Value':['Unlimited']},"
        + "'00111022':{'vr':'UV','Value':[18446744073709551615]}"
        + "}");
    assertEquals(expected, INLINE.toJson(everyVr()));
  }

  @Test
  void keysAreUppercaseHexInUnsignedTagOrder() throws IOException {
    DataSet ds = ds(text(0x7FE10010, VR.LO, "B"), text(0x00100010, VR.PN, "A"), text(0xFFFA0001, VR.LO, "C"));
    String out = INLINE.toJson(ds);
    assertTrue(out.indexOf("00100010") < out.indexOf("7FE10010"), out);
    assertTrue(out.indexOf("7FE10010") < out.indexOf("FFFA0001"), out);
  }

  @Test
  void emptyValuesAmongSeveralAreNull() throws IOException {
    DataSet ds = ds(text(t(1), VR.LO, "A\\\\B"), text(t(2), VR.CS, "\\"), text(t(3), VR.PN, "Doe\\\\"),
        text(t(4), VR.DS, "\\2.5"));
    assertEquals(json("{'00111001':{'vr':'LO','Value':['A',null,'B']},'00111002':{'vr':'CS','Value':[null,null]},"
        + "'00111003':{'vr':'PN','Value':[{'Alphabetic':'Doe'},null,null]},'00111004':{'vr':'DS','Value':[null,2.5]}}"),
        INLINE.toJson(ds));
  }

  @Test
  void paddingIsTrimmedAsEachVrAllows() throws IOException {
    DataSet ds = ds(
        raw(t(1), VR.LO, "  two  spaces  "),
        raw(t(2), VR.LT, "  indented  "),
        raw(t(3), VR.UI, "1.2.3\0"),
        raw(t(4), VR.CS, " A \\ B "),
        raw(t(5), VR.ST, " kept\\as one "),
        raw(t(6), VR.UT, "  "),
        raw(t(7), VR.SH, " "));
    assertEquals(json("{'00111001':{'vr':'LO','Value':['two  spaces']},'00111002':{'vr':'LT','Value':['  indented']},"
        + "'00111003':{'vr':'UI','Value':['1.2.3']},'00111004':{'vr':'CS','Value':['A','B']},"
        + "'00111005':{'vr':'ST','Value':[' kept\\\\as one']},'00111006':{'vr':'UT'},'00111007':{'vr':'SH'}}"),
        INLINE.toJson(ds));
  }

  @Test
  void personNameGroupsAreObjectsWithoutEmptyGroups() throws IOException {
    DataSet ds = ds(
        text(t(1), VR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう", StandardCharsets.UTF_8),
        text(t(2), VR.PN, "=山田^太郎", StandardCharsets.UTF_8),
        text(t(3), VR.PN, "Doe^John==", StandardCharsets.UTF_8),
        text(t(4), VR.PN, "==\\Roe", StandardCharsets.UTF_8),
        text(t(5), VR.PN, "a=b=c=d", StandardCharsets.UTF_8),
        text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"));
    assertEquals(json("{'00080005':{'vr':'CS','Value':['ISO_IR 192']},"
        + "'00111001':{'vr':'PN','Value':[{'Alphabetic':'Yamada^Tarou','Ideographic':'山田^太郎',"
        + "'Phonetic':'やまだ^たろう'}]},"
        + "'00111002':{'vr':'PN','Value':[{'Ideographic':'山田^太郎'}]},"
        + "'00111003':{'vr':'PN','Value':[{'Alphabetic':'Doe^John'}]},"
        + "'00111004':{'vr':'PN','Value':[null,{'Alphabetic':'Roe'}]},"
        + "'00111005':{'vr':'PN','Value':[{'Alphabetic':'a','Ideographic':'b','Phonetic':'c=d'}]}}"),
        INLINE.toJson(ds));
  }

  @Test
  void decimalAndIntegerStringsKeepTheirTextWhenJsonCanSpellIt() throws IOException {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("1.50", "1.50"), Map.entry("-0.0", "-0.0"), Map.entry("1e3", "1e3"), Map.entry("-2.5E-7", "-2.5E-7"),
        Map.entry("+1", "1"), Map.entry(".5", "0.5"), Map.entry("1.", "1"), Map.entry("007", "7"),
        Map.entry("-.25e+2", "-25"), Map.entry("+.5e-3", "0.0005"),
        Map.entry("abc", "'abc'"), Map.entry("1,5", "'1,5'"), Map.entry("NaN", "'NaN'"), Map.entry("0x1F", "'0x1F'"),
        Map.entry("1e", "'1e'"), Map.entry("١٢", "'١٢'"), Map.entry("01e999999999999", "'01e999999999999'"));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      for (VR vr : List.of(VR.DS, VR.IS)) {
        DataSet ds = ds(text(t(1), vr, c.getKey(), StandardCharsets.UTF_8),
            text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"));
        assertEquals(json("{'00080005':{'vr':'CS','Value':['ISO_IR 192']},'00111001':{'vr':'" + vr + "','Value':["
            + c.getValue() + "]}}"), INLINE.toJson(ds), vr + " " + c.getKey());
      }
    }
  }

  @Test
  void floatsAreShortestAndNonFiniteAreStrings() throws IOException {
    DataSet ds = ds(
        fl(t(1), 0.1f, 1e10f, -0.0f, Float.MIN_VALUE, 16777216f, 3.4028235e38f),
        fl(t(2), Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY),
        fd(t(3), 0.1, 2.82879384806159E17, Double.MIN_VALUE, 1.0E23, 100),
        fd(t(4), Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    assertEquals(json("{'00111001':{'vr':'FL','Value':[0.1,1.0E10,-0.0,1.4E-45,1.6777216E7,3.4028235E38]},"
        + "'00111002':{'vr':'FL','Value':['NaN','Infinity','-Infinity']},"
        + "'00111003':{'vr':'FD','Value':[0.1,2.82879384806159E17,4.9E-324,1.0E23,100.0]},"
        + "'00111004':{'vr':'FD','Value':['NaN','Infinity','-Infinity']}}"), INLINE.toJson(ds));
  }

  @Test
  void integersCoverTheirFullRange() throws IOException {
    DataSet ds = ds(
        us(t(1), 0, 65535), ss(t(2), -32768, 32767), ul(t(3), 0, 4294967295L),
        sl(t(4), Integer.MIN_VALUE, Integer.MAX_VALUE), longs(t(5), VR.SV, Long.MIN_VALUE, Long.MAX_VALUE),
        longs(t(6), VR.UV, 0, Long.MAX_VALUE, Long.MIN_VALUE, -1));
    assertEquals(json("{'00111001':{'vr':'US','Value':[0,65535]},'00111002':{'vr':'SS','Value':[-32768,32767]},"
        + "'00111003':{'vr':'UL','Value':[0,4294967295]},"
        + "'00111004':{'vr':'SL','Value':[-2147483648,2147483647]},"
        + "'00111005':{'vr':'SV','Value':[-9223372036854775808,9223372036854775807]},"
        + "'00111006':{'vr':'UV','Value':[0,9223372036854775807,9223372036854775808,18446744073709551615]}}"),
        INLINE.toJson(ds));
  }

  @Test
  void attributeTagsAreEightHexDigits() throws IOException {
    assertEquals(json("{'00209165':{'vr':'AT','Value':['7FE00010','FFFEE000','00000000']}}"),
        INLINE.toJson(ds(at(0x00209165, Tag.PixelData, Tag.Item, 0))));
  }

  @Test
  void anItemsOwnCharacterSetAppliesToItAndItsItems() throws IOException {
    DataSet nested = ds(text(t(2), VR.LO, "Ä", StandardCharsets.UTF_8));
    DataSet utf8Item = ds(
        text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"),
        text(Tag.PatientName, VR.PN, "山田^太郎", StandardCharsets.UTF_8),
        seq(t(3), nested));
    DataSet inheritingItem = ds(text(Tag.PatientName, VR.PN, "Müller", StandardCharsets.ISO_8859_1));
    DataSet top = ds(text(Tag.PatientName, VR.PN, "Müller", StandardCharsets.ISO_8859_1),
        seq(t(1), utf8Item, inheritingItem));
    assertEquals(json("{'00100010':{'vr':'PN','Value':[{'Alphabetic':'Müller'}]},'00111001':{'vr':'SQ','Value':["
        + "{'00080005':{'vr':'CS','Value':['ISO_IR 192']},"
        + "'00100010':{'vr':'PN','Value':[{'Alphabetic':'山田^太郎'}]},"
        + "'00111003':{'vr':'SQ','Value':[{'00111002':{'vr':'LO','Value':['Ä']}}]}},"
        + "{'00100010':{'vr':'PN','Value':[{'Alphabetic':'Müller'}]}}]}}"), INLINE.toJson(top));
  }

  @Test
  void itemsInheritTheDataSetsCharacterSet() throws IOException {
    DataSet top = ds(text(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"),
        seq(t(1), ds(text(t(2), VR.LO, "Größe", StandardCharsets.UTF_8))));
    assertTrue(INLINE.toJson(top).contains("'Größe'".replace('\'', '"')));
  }

  @Test
  void emptyElementsSequencesAndItems() throws IOException {
    DataSet ds = ds(text(t(1), VR.LO, ""), seq(t(2)), seq(t(3), ds()), bytes(t(4), VR.OB), us(t(5)),
        seq(t(6), ds(), ds(text(t(1), VR.PN, ""))), DicomElement.ofBulk(t(7), VR.OW, new BulkData(100, 0)));
    assertEquals(json("{'00111001':{'vr':'LO'},'00111002':{'vr':'SQ'},'00111003':{'vr':'SQ','Value':[{}]},"
        + "'00111004':{'vr':'OB'},'00111005':{'vr':'US'},"
        + "'00111006':{'vr':'SQ','Value':[{},{'00111001':{'vr':'PN'}}]},'00111007':{'vr':'OW'}}"),
        INLINE.toJson(ds));
  }

  @Test
  void groupLengthsAreLeftOut() throws IOException {
    DataSet ds = ds(ul(0x00080000, 100), text(0x00080060, VR.CS, "CT"), ul(0x00090000, 4),
        seq(0x00400275, ds(ul(0x00400000, 8), text(0x00400009, VR.SH, "SPS1"))));
    assertEquals(json("{'00080060':{'vr':'CS','Value':['CT']},"
        + "'00400275':{'vr':'SQ','Value':[{'00400009':{'vr':'SH','Value':['SPS1']}}]}}"), INLINE.toJson(ds));
  }

  /** Records what the writer asked, and answers with a URI for every value, or for none. */
  static final class RecordingPolicy implements BulkDataPolicy {
    final List<String> asked = new ArrayList<>();
    final List<String> loaded = new ArrayList<>();
    private final boolean giveUris;

    RecordingPolicy(boolean giveUris) {
      this.giveUris = giveUris;
    }

    @Override
    public String bulkDataUri(ElementPath path, DicomElement element) {
      asked.add(path.toString());
      return giveUris ? "bulk/" + path : null;
    }

    @Override
    public byte[] load(ElementPath path, DicomElement element) {
      loaded.add(path.toString());
      byte[] b = new byte[(int) element.length()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) ('a' + i);
      }
      return b;
    }
  }

  @Test
  void binaryLongerThanTheThresholdIsOfferedToThePolicy() throws IOException {
    DataSet ds = ds(bytes(t(1), VR.OB, new byte[16]), bytes(t(2), VR.OW, new byte[18]), us(t(3), new int[20]),
        text(t(4), VR.UT, "x".repeat(40)), seq(t(5), ds(bytes(t(6), VR.UN, new byte[17]))));
    RecordingPolicy uris = new RecordingPolicy(true);
    String out = new DicomJsonWriter(uris, 16).toJson(ds);
    assertEquals(List.of("00111002", "00111005/0/00111006"), uris.asked);
    assertTrue(out.contains(json("'00111001':{'vr':'OB','InlineBinary':'AAAAAAAAAAAAAAAAAAAAAA=='}")), out);
    assertTrue(out.contains(json("'00111002':{'vr':'OW','BulkDataURI':'bulk/00111002'}")), out);
    assertTrue(out.contains(json("'00111006':{'vr':'UN','BulkDataURI':'bulk/00111005/0/00111006'}")), out);

    RecordingPolicy none = new RecordingPolicy(false);
    String inline = new DicomJsonWriter(none, 16).toJson(ds);
    assertEquals(uris.asked, none.asked);
    assertTrue(none.loaded.isEmpty());
    assertTrue(inline.contains(json("'00111002':{'vr':'OW','InlineBinary':'AAAAAAAAAAAAAAAAAAAAAAAA'}")), inline);
  }

  @Test
  void valuesNotInMemoryGoThroughThePolicy() throws IOException {
    DataSet ds = ds(
        DicomElement.ofBulk(t(1), VR.LO, new BulkData(10, 4)),
        DicomElement.ofBulk(t(2), VR.OB, new BulkData(20, 3)),
        DicomElement.ofFragments(Tag.PixelData, VR.OB, new byte[0], List.of(new BulkData(100, 50))));
    RecordingPolicy uris = new RecordingPolicy(true);
    assertEquals(json("{'00111001':{'vr':'LO','Value':['abcd']},'00111002':{'vr':'OB','BulkDataURI':'bulk/00111002'},"
        + "'7FE00010':{'vr':'OB','BulkDataURI':'bulk/7FE00010'}}"), new DicomJsonWriter(uris, 0).toJson(ds));
    assertEquals(List.of("00111002", "7FE00010"), uris.asked, "LO may not have a BulkDataURI: loaded, not offered");
    assertEquals(List.of("00111001"), uris.loaded);

    RecordingPolicy none = new RecordingPolicy(false);
    ds.remove(Tag.PixelData);
    assertEquals(json("{'00111001':{'vr':'LO','Value':['abcd']},'00111002':{'vr':'OB','InlineBinary':'YWJj'}}"),
        new DicomJsonWriter(none, 0).toJson(ds));
    assertEquals(List.of("00111001", "00111002"), none.loaded);
  }

  @Test
  void encapsulatedPixelDataNeedsAUri() {
    DataSet ds = ds(DicomElement.ofFragments(Tag.PixelData, VR.OB, new byte[0], List.of(new BulkData(100, 50))));
    DicomJsonException e = assertThrows(DicomJsonException.class,
        () -> new DicomJsonWriter(new RecordingPolicy(false), 0).toJson(ds));
    assertEquals("7FE00010", e.path());
    assertTrue(e.getMessage().contains("encapsulated"), e.getMessage());
  }

  @Test
  void inlineOnlyPolicyRefusesValuesNotInMemory() {
    DataSet ds = ds(seq(t(1), ds(DicomElement.ofBulk(Tag.PixelData, VR.OW, new BulkData(0, 8)))));
    DicomJsonException e = assertThrows(DicomJsonException.class, () -> INLINE.toJson(ds));
    assertEquals("00111001/0/7FE00010", e.path());
  }

  @Test
  void numbersWithATruncatedLastValueAreAnError() {
    DicomJsonException e = assertThrows(DicomJsonException.class,
        () -> INLINE.toJson(ds(bytes(t(1), VR.US, (byte) 1, (byte) 0, (byte) 2))));
    assertEquals("00111001: value length 3 is not a multiple of 2 for VR US", e.getMessage());
  }

  @Test
  void outputIsDeterministic() throws IOException {
    DataSet a = everyVr();
    DataSet b = new DataSet();
    List<DicomElement> reversed = new ArrayList<>(a.elements());
    java.util.Collections.reverse(reversed);
    reversed.forEach(b::put);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    INLINE.writeArray(List.of(a, b), first);
    INLINE.writeArray(List.of(b, a), second);
    assertArrayEquals(first.toByteArray(), second.toByteArray());
    assertEquals(INLINE.toJson(a), INLINE.toJson(b));
  }

  @Test
  void arrayHoldsOneObjectPerDataSet() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    INLINE.writeArray(List.of(ds(text(0x00080060, VR.CS, "CT")), ds()), out);
    assertEquals(json("[{'00080060':{'vr':'CS','Value':['CT']}},{}]"), out.toString(StandardCharsets.UTF_8));
  }
}
