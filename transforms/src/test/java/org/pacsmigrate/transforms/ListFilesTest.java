package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ListFilesTest {
  @Test
  void matchesEverythingBelowTheInput() {
    assertEquals("/pacs/**", ListFiles.pattern("/pacs"));
    assertEquals("gs://bucket/pacs/**", ListFiles.pattern("gs://bucket/pacs/"));
  }

  @Test
  void refusesAnInputThatWouldBeReadAsAPattern() {
    assertThrows(IllegalArgumentException.class, () -> ListFiles.under("/pacs/[old]"));
    assertThrows(IllegalArgumentException.class, () -> ListFiles.under("/pacs/*"));
    assertThrows(IllegalArgumentException.class, () -> ListFiles.under(" "));
    ListFiles.under("/pacs/old (2009)");
  }
}
