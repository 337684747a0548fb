package org.pacsmigrate.format.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.P10Reader;

/** The character-set files decode to the patient names pydicom's own tests expect (see FileInfo.txt there). */
class CorpusCharsetTest {
  private static final Map<String, String> NAMES = Map.ofEntries(
      Map.entry("chrArab.dcm", "قباني^لنزار"),
      Map.entry("chrFren.dcm", "Buc^Jérôme"),
      Map.entry("chrFrenMulti.dcm", "Buc^Jérôme"),
      Map.entry("chrGerm.dcm", "Äneas^Rüdiger"),
      Map.entry("chrGreek.dcm", "Διονυσιος"),
      Map.entry("chrH31.dcm", "Yamada^Tarou=山田^太郎=やまだ^たろう"),
      Map.entry("chrH32.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"),
      Map.entry("chrHbrw.dcm", "שרון^דבורה"),
      Map.entry("chrI2.dcm", "Hong^Gildong=洪^吉洞=홍^길동"),
      Map.entry("chrJapMulti.dcm", "やまだ^たろう"),
      Map.entry("chrJapMultiExplicitIR6.dcm", "やまだ^たろう"),
      Map.entry("chrKoreanMulti.dcm", "김희중"),
      Map.entry("chrRuss.dcm", "Люкceмбypг"),
      Map.entry("chrX1.dcm", "Wang^XiaoDong=王^小東="),
      Map.entry("chrX2.dcm", "Wang^XiaoDong=王^小东="));

  @TestFactory
  Stream<DynamicTest> patientNamesDecode() {
    return NAMES.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
          DataSet ds = new P10Reader().read(Corpus.dir().resolve("pydicom-charsets").resolve(e.getKey())).dataSet();
          assertEquals(e.getValue(), firstPatientName(ds, charset(ds, SpecificCharacterSet.DEFAULT)));
        }));
  }

  /** A sequence item with its own (0008,0005), and one that inherits the data set's. */
  @Test
  void sequenceItemsUseTheirOwnOrTheInheritedCharacterSet() throws Exception {
    for (String file : new String[] {"chrSQEncoding.dcm", "chrSQEncoding1.dcm"}) {
      DataSet ds = new P10Reader().read(Corpus.dir().resolve("pydicom-charsets").resolve(file)).dataSet();
      SpecificCharacterSet outer = charset(ds, SpecificCharacterSet.DEFAULT);
      DataSet item = ds.get(0x00321064).items().get(0);
      assertEquals("ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう", firstPatientName(item, charset(item, outer)), file);
    }
  }

  private static SpecificCharacterSet charset(DataSet ds, SpecificCharacterSet inherited) {
    String[] terms = ds.asciiStrings(Tag.SpecificCharacterSet);
    return terms == null ? inherited : SpecificCharacterSet.valueOf(terms);
  }

  private static String firstPatientName(DataSet ds, SpecificCharacterSet cs) {
    String all = cs.decode(ds.get(Tag.PatientName).bytes(), true);
    return all.split("\\\\")[0].stripTrailing();
  }
}
