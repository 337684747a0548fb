package org.pacsmigrate.transforms.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

class CsvTest {
  @Test
  void quotesOnlyWhatNeedsIt() {
    assertEquals("a,1,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",",
        Csv.line("a", "1", "b,c", "say \"hi\"", "two\nlines", ""));
  }

  @Test
  void manifestRowsSurviveARoundTrip() {
    ManifestRow row = new ManifestRow("/pacs/a,b/\"x\".dcm", 12, Outcome.DUPLICATE, "1.2.3",
        "conflicting duplicate of /pacs/y.dcm (1 attribute differs: 00100010)");
    String csv = ManifestRow.CSV_HEADER + "\n" + row.toCsv() + "\n";
    List<String> records = Csv.records(csv);
    assertEquals(2, records.size());
    assertEquals(row, ManifestRow.fromCsv(records.get(1)));
  }

  @Test
  void recordsKeepLineBreaksInsideQuotes() {
    assertEquals(List.of("h", "\"a\nb\",c", "d"), Csv.records("h\r\n\"a\nb\",c\nd\n"));
  }
}
