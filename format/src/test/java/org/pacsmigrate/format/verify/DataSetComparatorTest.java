package org.pacsmigrate.format.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.VR;

class DataSetComparatorTest {
  private static final DataSetComparator.ValueDigester BY_OFFSET =
      (path, e, length) -> DataSetComparator.sha256(Long.toString(e.bulk().offset()).getBytes());
  private final DataSetComparator comparator = new DataSetComparator(BY_OFFSET, BY_OFFSET, Set.of(0x00100020));

  private static DicomElement text(int tag, VR vr, String s, java.nio.charset.Charset cs) {
    return DicomElement.ofBytes(tag, vr, s.getBytes(cs));
  }

  private static DataSet ds(DicomElement... elements) {
    DataSet d = new DataSet();
    for (DicomElement e : elements) {
      d.put(e);
    }
    return d;
  }

  private List<String> diff(DataSet a, DataSet b) throws Exception {
    return comparator.compare(a, b).stream().map(Difference::toString).toList();
  }

  @Test
  void sameTextInAnotherCharacterSetWithOtherPaddingIsEqual() throws Exception {
    DataSet latin1 = ds(text(0x00080005, VR.CS, "ISO_IR 100", StandardCharsets.US_ASCII),
        text(0x00100010, VR.PN, "Buc^Jérôme", StandardCharsets.ISO_8859_1),
        text(0x00200032, VR.DS, "1.50\\+2 \\.5", StandardCharsets.US_ASCII));
    DataSet utf8 = ds(text(0x00080005, VR.CS, "ISO_IR 192", StandardCharsets.US_ASCII),
        text(0x00100010, VR.PN, "Buc^Jérôme ", StandardCharsets.UTF_8),
        text(0x00200032, VR.DS, "1.5\\2\\0.5 ", StandardCharsets.US_ASCII));
    assertEquals(List.of(), diff(latin1, utf8));
  }

  @Test
  void differencesAreNamedByPathWithoutValues() throws Exception {
    DataSet item = ds(text(0x00081150, VR.UI, "1.2.3\0", StandardCharsets.US_ASCII));
    DataSet a = ds(text(0x00100010, VR.PN, "Doe^John", StandardCharsets.US_ASCII),
        DicomElement.ofItems(0x00081115, List.of(item)),
        DicomElement.ofBulk(0x00420011, VR.OB, new BulkData(100, 2000)),
        text(0x00100020, VR.LO, "changed by reconciliation", StandardCharsets.US_ASCII),
        text(0x00080060, VR.CS, "CT", StandardCharsets.US_ASCII));
    DataSet otherItem = ds(text(0x00081150, VR.UI, "1.2.4\0", StandardCharsets.US_ASCII));
    DataSet b = ds(text(0x00100010, VR.PN, "Doe^Jane", StandardCharsets.US_ASCII),
        DicomElement.ofItems(0x00081115, List.of(otherItem)),
        DicomElement.ofBulk(0x00420011, VR.OB, new BulkData(200, 2000)),
        text(0x00100020, VR.LO, "other", StandardCharsets.US_ASCII),
        text(0x00080070, VR.LO, "ACME", StandardCharsets.US_ASCII));
    assertEquals(List.of(
        "00080060: missing on the right",
        "00080070: missing on the left",
        "00081115/0/00081150: UI value differs",
        "00100010: PN value differs",
        "00420011: OB value differs"), diff(a, b));
  }

  @Test
  void onePaddingByteIsNotADifferenceButOtherLengthsAre() throws Exception {
    DataSet odd = ds(DicomElement.ofBytes(0x00091010, VR.OB, new byte[] {1, 2, 3}));
    DataSet padded = ds(DicomElement.ofBytes(0x00091010, VR.OB, new byte[] {1, 2, 3, 0}));
    DataSet longer = ds(DicomElement.ofBytes(0x00091010, VR.OB, new byte[] {1, 2, 3, 0, 0, 0}));
    assertEquals(List.of(), diff(odd, padded));
    assertEquals(List.of("00091010: length 3 vs 6"), diff(odd, longer));
  }

  @Test
  void personNamesIgnoreTrailingEmptyComponentsAndGroupsOnly() {
    assertEquals("Wang^XiaoDong=王^小東", DataSetComparator.personName("Wang^XiaoDong=王^小東="));
    assertEquals("Doe^John", DataSetComparator.personName("Doe^John^^^"));
    assertEquals("", DataSetComparator.personName("^^^^"));
    assertEquals("=Yamada", DataSetComparator.personName("=Yamada"));
  }

  @Test
  void itemCountsAndVrsAreCompared() throws Exception {
    DataSet one = ds(DicomElement.ofItems(0x00081115, List.of(new DataSet())));
    DataSet two = ds(DicomElement.ofItems(0x00081115, List.of(new DataSet(), new DataSet())));
    assertEquals(List.of("00081115: item count 1 vs 2"), diff(one, two));
    DataSet us = ds(DicomElement.ofBytes(0x00280010, VR.US, new byte[] {1, 0}));
    DataSet ss = ds(DicomElement.ofBytes(0x00280010, VR.SS, new byte[] {1, 0}));
    assertEquals(List.of("00280010: VR US vs SS"), diff(us, ss));
  }
}
