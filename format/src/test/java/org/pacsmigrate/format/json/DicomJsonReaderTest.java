package org.pacsmigrate.format.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.json.TestElements.at;
import static org.pacsmigrate.format.json.TestElements.fd;
import static org.pacsmigrate.format.json.TestElements.fl;
import static org.pacsmigrate.format.json.TestElements.json;
import static org.pacsmigrate.format.json.TestElements.longs;
import static org.pacsmigrate.format.json.TestElements.text;
import static org.pacsmigrate.format.json.TestElements.us;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

class DicomJsonReaderTest {
  private static final DicomJsonReader READER = new DicomJsonReader(BulkDataResolver.rejectAll());

  private static DataSet read(String singleQuoted) throws IOException {
    return READER.fromJson(json(singleQuoted));
  }

  private static DicomJsonException fails(String singleQuoted) {
    return assertThrows(DicomJsonException.class, () -> read(singleQuoted));
  }

  private static String ascii(DicomElement e) {
    return new String(e.bytes(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void textIsJoinedWithBackslashAndPadded() throws IOException {
    DataSet ds = read("{'00080060':{'vr':'CS','Value':['CT']},'00080008':{'vr':'CS','Value':['ORIGINAL',null,'AXIAL']},"
        + "'00080018':{'vr':'UI','Value':['1.2.3']},'00081030':{'vr':'LO','Value':[null]},"
        + "'00081040':{'vr':'LO','Value':[]},"
        + "'00081050':{'vr':'LT','Value':['a\\\\b']}}");
    assertEquals("CT", ascii(ds.get(0x00080060)));
    assertEquals("ORIGINAL\\\\AXIAL ", ascii(ds.get(0x00080008)));
    assertEquals("1.2.3\0", ascii(ds.get(Tag.SOPInstanceUID)));
    assertEquals("", ascii(ds.get(0x00081030)));
    assertEquals("", ascii(ds.get(0x00081040)));
    assertEquals("a\\b ", ascii(ds.get(0x00081050)));
  }

  @Test
  void personNameGroupsAreJoinedUpToTheLastNonEmptyOne() throws IOException {
    DataSet ds = read("{'00080005':{'vr':'CS','Value':['ISO_IR 192']},'00100010':{'vr':'PN','Value':["
        + "{'Alphabetic':'Yamada^Tarou','Ideographic':'山田^太郎','Phonetic':'やまだ^たろう'},"
        + "{'Phonetic':'x'},{'Alphabetic':'Doe','Ideographic':''},{},null]}}");
    assertEquals("Yamada^Tarou=山田^太郎=やまだ^たろう\\==x\\Doe\\\\",
        new String(ds.get(Tag.PatientName).bytes(), StandardCharsets.UTF_8));
  }

  @Test
  void decimalStringsKeepTheJsonNumbersText() throws IOException {
    DataSet ds = read("{'00280030':{'vr':'DS','Value':[1.50,1e3,-0.0,'garbage',null,12345678901234567890.5]},"
        + "'00201041':{'vr':'DS','Value':['+.5']},'00200013':{'vr':'IS','Value':[7,-12]}}");
    assertEquals("1.50\\1e3\\-0.0\\garbage\\\\12345678901234567890.5 ", ascii(ds.get(0x00280030)));
    assertEquals("+.5 ", ascii(ds.get(0x00201041)));
    assertEquals("7\\-12 ", ascii(ds.get(0x00200013)));
  }

  @Test
  void binaryNumbersAreLittleEndianWithTheVrsWidth() throws IOException {
    DataSet ds = read("{'00280010':{'vr':'US','Value':[512,65535]},"
        + "'00111001':{'vr':'SV','Value':[-9223372036854775808,'9223372036854775807']},"
        + "'00111002':{'vr':'UV','Value':[18446744073709551615,'9223372036854775808']},"
        + "'00111003':{'vr':'FL','Value':[1,0.1,'NaN','-Infinity',-0.0]},"
        + "'00111004':{'vr':'FD','Value':[4.9E-324,'Infinity',2]},"
        + "'00209165':{'vr':'AT','Value':['7fe00010','00100010']}}");
    assertEquals(us(0x00280010, 512, 65535), ds.get(0x00280010));
    assertEquals(longs(0x00111001, VR.SV, Long.MIN_VALUE, Long.MAX_VALUE), ds.get(0x00111001));
    assertEquals(longs(0x00111002, VR.UV, -1, Long.MIN_VALUE), ds.get(0x00111002));
    assertEquals(fl(0x00111003, 1f, 0.1f, Float.NaN, Float.NEGATIVE_INFINITY, -0.0f), ds.get(0x00111003));
    assertEquals(fd(0x00111004, Double.MIN_VALUE, Double.POSITIVE_INFINITY, 2), ds.get(0x00111004));
    assertEquals(at(0x00209165, Tag.PixelData, Tag.PatientName), ds.get(0x00209165));
  }

  @Test
  void inlineBinaryIsKeptExactly() throws IOException {
    DataSet ds = read("{'00111001':{'vr':'OB','InlineBinary':'AQID'},'00111002':{'vr':'OW','InlineBinary':''}}");
    assertArrayEquals(new byte[] {1, 2, 3}, ds.get(0x00111001).bytes());
    assertEquals(0, ds.get(0x00111002).bytes().length);
  }

  @Test
  void emptyElementsSequencesAndItems() throws IOException {
    DataSet ds = read("{'00111001':{'vr':'LO'},'00111002':{'vr':'SQ'},'00111003':{'vr':'SQ','Value':[{}]},"
        + "'00111004':{'vr':'OB'},'00111005':{'vr':'FD'},'00111006':{'vr':'SQ','Value':[]}}");
    assertEquals(0, ds.get(0x00111001).bytes().length);
    assertEquals(List.of(), ds.get(0x00111002).items());
    assertEquals(List.of(new DataSet()), ds.get(0x00111003).items());
    assertEquals(0, ds.get(0x00111004).bytes().length);
    assertEquals(0, ds.get(0x00111005).bytes().length);
    assertEquals(List.of(), ds.get(0x00111006).items());
  }

  @Test
  void memberOrderIsFree() throws IOException {
    // vr after Value, and the character set after the text it governs, in the data set and in an item.
    DataSet ds = read("{'00100010':{'Value':[{'Alphabetic':'Größe'}],'vr':'PN'},"
        + "'00400275':{'vr':'SQ','Value':[{'00400007':{'vr':'LO','Value':['Ä']}}]},"
        + "'00080005':{'Value':['ISO_IR 192'],'vr':'CS'}}");
    assertEquals(text(Tag.PatientName, VR.PN, "Größe", StandardCharsets.UTF_8), ds.get(Tag.PatientName));
    assertEquals(text(0x00400007, VR.LO, "Ä", StandardCharsets.UTF_8),
        ds.get(0x00400275).items().get(0).get(0x00400007));
  }

  @Test
  void anItemsOwnCharacterSetAppliesToItAndItsItems() throws IOException {
    DataSet ds = read("{'00100010':{'vr':'PN','Value':[{'Alphabetic':'Müller'}]},'00111001':{'vr':'SQ','Value':["
        + "{'00080005':{'vr':'CS','Value':['ISO_IR 192']},"
        + "'00111003':{'vr':'SQ','Value':[{'00111002':{'vr':'LO','Value':['Ä']}}]}},"
        + "{'00111002':{'vr':'LO','Value':['Ä']}}]}}");
    assertEquals(text(Tag.PatientName, VR.PN, "Müller", StandardCharsets.ISO_8859_1), ds.get(Tag.PatientName));
    List<DataSet> items = ds.get(0x00111001).items();
    assertEquals(text(0x00111002, VR.LO, "Ä", StandardCharsets.UTF_8),
        items.get(0).get(0x00111003).items().get(0).get(0x00111002));
    assertEquals(text(0x00111002, VR.LO, "Ä", StandardCharsets.ISO_8859_1), items.get(1).get(0x00111002));
  }

  @Test
  void bulkDataUrisGoToTheResolver() throws IOException {
    List<String> calls = new ArrayList<>();
    DicomElement pixels = DicomElement.ofBulk(Tag.PixelData, VR.OW, new BulkData(1000, 512));
    DicomJsonReader reader = new DicomJsonReader((path, tag, vr, uri) -> {
      calls.add(path + " " + Tag.toHex(tag) + " " + vr + " " + uri);
      return tag == Tag.PixelData ? pixels : DicomElement.ofBytes(tag, vr, new byte[] {9, 9});
    });
    DataSet ds = reader.fromJson(json("{'00111001':{'vr':'SQ','Value':[{'00111002':{'vr':'OB','BulkDataURI':'b/1'}}]},"
        + "'7FE00010':{'vr':'OW','BulkDataURI':'b/pixels'}}"));
    assertEquals(List.of("00111001/0/00111002 00111002 OB b/1", "7FE00010 7FE00010 OW b/pixels"), calls);
    assertSame(pixels, ds.get(Tag.PixelData));
  }

  @Test
  void resolverMustAnswerWithTheSameTagAndVr() {
    DicomJsonReader reader = new DicomJsonReader((path, tag, vr, uri) -> DicomElement.ofBytes(tag, VR.OB, new byte[0]));
    DicomJsonException e = assertThrows(DicomJsonException.class,
        () -> reader.fromJson(json("{'7FE00010':{'vr':'OW','BulkDataURI':'x'}}")));
    assertEquals("7FE00010", e.path());
    assertTrue(e.getMessage().contains("another tag or VR"), e.getMessage());
  }

  @Test
  void bulkDataUriWithoutResolverIsAnError() {
    DicomJsonException e = fails("{'7FE00010':{'vr':'OW','BulkDataURI':'x'}}");
    assertEquals("7FE00010: BulkDataURI found but no bulk data resolver was given", e.getMessage());
  }

  @Test
  void readsAnArrayOrASingleObject() throws IOException {
    List<DataSet> two = READER.readArray(new ByteArrayInputStream(
        json("[{'00080060':{'vr':'CS','Value':['CT']}},{}]").getBytes(StandardCharsets.UTF_8)));
    assertEquals(2, two.size());
    assertEquals("CT", two.get(0).asciiString(0x00080060));
    assertTrue(two.get(1).isEmpty());
    assertEquals(1, READER.readArray(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8))).size());
    assertEquals(0, READER.readArray(new ByteArrayInputStream("[]".getBytes(StandardCharsets.UTF_8))).size());
  }

  @Test
  void readsFromAStreamingParser() throws IOException {
    String doc = json("{'instances':[{'00080060':{'vr':'CS','Value':['MR']}}]}");
    try (JsonParser p = new JsonFactory().createParser(doc)) {
      while (p.nextToken() != JsonToken.START_ARRAY) {
        // skip to the array
      }
      p.nextToken();
      assertEquals("MR", READER.read(p).asciiString(0x00080060));
      assertEquals(JsonToken.END_OBJECT, p.currentToken());
    }
  }

  // --- errors: each names the element and the problem, never the value ---

  @Test
  void malformedJson() {
    DicomJsonException e = fails("{'00100010':{'vr':'PN',}}");
    assertNull(e.path());
    assertTrue(e.getMessage().startsWith("malformed JSON at line 1, column "), e.getMessage());
    assertTrue(fails("{'00100010':{'vr':'PN'}").getMessage().startsWith("malformed JSON"));
    assertTrue(fails("").getMessage().startsWith("expected a JSON object"));
    assertTrue(fails("[{}]").getMessage().startsWith("expected a JSON object at line 1"));
    assertTrue(fails("{} {}").getMessage().startsWith("unexpected content after the JSON value"));
    assertTrue(fails("{'00100010':{'vr':'PN'},'00100010':{'vr':'PN'}}").getMessage().contains("Duplicate field"));
    assertTrue(fails("{'00280030':{'vr':'DS','Value':[01]}}").getMessage().startsWith("malformed JSON"));
    assertTrue(fails("{'00280030':{'vr':'DS','Value':[NaN]}}").getMessage().startsWith("malformed JSON"));
  }

  @Test
  void badTagKeys() {
    assertEquals("\"0010001\": attribute key is not 8 uppercase hexadecimal digits",
        fails("{'0010001':{'vr':'LO'}}").getMessage());
    assertEquals("\"0010001g\"", fails("{'0010001g':{'vr':'LO'}}").path());
    assertEquals("\"0010001a\"", fails("{'0010001a':{'vr':'LO'}}").path());
    assertEquals("00111001/0/\"PatientName\"",
        fails("{'00111001':{'vr':'SQ','Value':[{'PatientName':{'vr':'PN'}}]}}").path());
    assertEquals("FFFEE000: item delimitation tags are not attributes", fails("{'FFFEE000':{'vr':'OB'}}").getMessage());
  }

  @Test
  void badVr() {
    assertEquals("00100010: unknown VR \"XX\"", fails("{'00100010':{'vr':'XX'}}").getMessage());
    assertEquals("00100010: unknown VR \"pn\"", fails("{'00100010':{'vr':'pn'}}").getMessage());
    assertEquals("00100010: missing \"vr\"", fails("{'00100010':{'Value':[]}}").getMessage());
    assertEquals("00100010: vr must be a string, found an integer", fails("{'00100010':{'vr':1}}").getMessage());
    assertEquals("00100010: attribute must be an object, found a string", fails("{'00100010':'Doe'}").getMessage());
  }

  @Test
  void wrongValueTypes() {
    assertEquals("00100020: value 0 of VR LO must be a string, found an integer",
        fails("{'00100020':{'vr':'LO','Value':[12]}}").getMessage());
    assertEquals("00280010: value 0 of VR US must be an integer, found a string",
        fails("{'00280010':{'vr':'US','Value':['512']}}").getMessage());
    assertEquals("00280010: value 0 of VR US must be an integer, found a decimal number",
        fails("{'00280010':{'vr':'US','Value':[1.5]}}").getMessage());
    assertEquals("00280010: value 1 is out of range for VR US",
        fails("{'00280010':{'vr':'US','Value':[1,65536]}}").getMessage());
    assertEquals("00280010: value 0 is out of range for VR UV",
        fails("{'00280010':{'vr':'UV','Value':[-1]}}").getMessage());
    assertEquals("00280010: value 0 of VR SS must be a number, found null",
        fails("{'00280010':{'vr':'SS','Value':[null]}}").getMessage());
    assertEquals("00111001: value 0 is out of range for VR FL",
        fails("{'00111001':{'vr':'FL','Value':[1e39]}}").getMessage());
    assertTrue(fails("{'00111001':{'vr':'FD','Value':['1.5']}}").getMessage().contains("found another string"));
    assertEquals("00209165: value 0 of VR AT must be a string of 8 hexadecimal digits",
        fails("{'00209165':{'vr':'AT','Value':['(0010,0010)']}}").getMessage());
    assertEquals("00100010: value 0 of VR PN must be an object, found a string",
        fails("{'00100010':{'vr':'PN','Value':['Doe^John']}}").getMessage());
    assertEquals("00100010: value 0 of VR PN has unknown member \"Alphabetical\"",
        fails("{'00100010':{'vr':'PN','Value':[{'Alphabetical':'Doe'}]}}").getMessage());
    assertEquals("00100010: Alphabetic must be a string, found null",
        fails("{'00100010':{'vr':'PN','Value':[{'Alphabetic':null}]}}").getMessage());
    assertEquals("00400275: item 1 must be an object, found null",
        fails("{'00400275':{'vr':'SQ','Value':[{},null]}}").getMessage());
    assertEquals("00100020: Value must be an array, found a string",
        fails("{'00100020':{'vr':'LO','Value':'X'}}").getMessage());
    assertEquals("7FE00010: VR OB takes InlineBinary or BulkDataURI, not Value",
        fails("{'7FE00010':{'vr':'OB','Value':[1]}}").getMessage());
    assertEquals("00100020: InlineBinary is not allowed for VR LO",
        fails("{'00100020':{'vr':'LO','InlineBinary':'AA=='}}").getMessage());
    assertEquals("7FE00010: InlineBinary is not valid base64",
        fails("{'7FE00010':{'vr':'OB','InlineBinary':'A*=='}}").getMessage());
    assertEquals("00100010: BulkDataURI is not allowed for VR PN",
        fails("{'00100010':{'vr':'PN','BulkDataURI':'x'}}").getMessage());
    assertEquals("7FE00010: more than one of Value, InlineBinary and BulkDataURI",
        fails("{'7FE00010':{'vr':'OB','InlineBinary':'','BulkDataURI':'x'}}").getMessage());
    assertEquals("00100020: unknown member \"value\"", fails("{'00100020':{'vr':'LO','value':['X']}}").getMessage());
    assertEquals("00100020: value 1 contains a backslash, which would split it in two",
        fails("{'00100020':{'vr':'LO','Value':['A','B\\\\C']}}").getMessage());
    assertEquals("00081050: VR LT holds a single value, found 2",
        fails("{'00081050':{'vr':'LT','Value':['A','B']}}").getMessage());
  }

  @Test
  void errorsInItemsAndArraysSayWhere() {
    DicomJsonException e = fails("{'00540016':{'vr':'SQ','Value':[{'00181072':{'vr':'TM','Value':[120000]}}]}}");
    assertEquals("00540016/0/00181072", e.path());
    DicomJsonException inArray = assertThrows(DicomJsonException.class, () -> READER.readArray(
        new ByteArrayInputStream(json("[{},{'00100010':{'vr':'QQ'}}]").getBytes(StandardCharsets.UTF_8))));
    assertEquals("00100010: instance 1, unknown VR \"QQ\"", inArray.getMessage());
  }

  @Test
  void textTheCharacterSetCannotHoldIsAnErrorThatDoesNotRepeatIt() {
    DicomJsonException e = fails("{'00100010':{'vr':'PN','Value':[{'Alphabetic':'山田^太郎'}]}}");
    assertEquals("00100010", e.path());
    assertTrue(e.getMessage().contains("not representable"), e.getMessage());
    assertFalse(e.getMessage().contains("山田"), e.getMessage());
  }
}
