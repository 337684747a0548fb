package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.format.dicom.ElementPath;

class ArchiveLayoutTest {
  private static final ElementPath NESTED = ElementPath.parse("00540016/0/00181072");

  @Test
  void namesAsTheReadmeGivesThem() {
    assertEquals("1.2.3.zip", ArchiveLayout.zipName("1.2.3"));
    assertEquals("studies/1.2.3/metadata", ArchiveLayout.metadataPath("1.2.3"));
    assertEquals("studies/1.2.3/series/4.5/instances/6.7/frames/12", ArchiveLayout.framePath("1.2.3", "4.5", "6.7", 12));
    assertEquals("series/4.5/instances/6.7/frames", ArchiveLayout.framesUri("4.5", "6.7"));
    assertEquals("series/4.5/instances/6.7/bulkdata/00540016/0/00181072",
        ArchiveLayout.bulkDataUri("4.5", "6.7", NESTED));
    assertEquals("series/4.5/instances/6.7/bulkdata/00420011",
        ArchiveLayout.bulkDataUri("4.5", "6.7", ElementPath.of(0x00420011)));
    assertEquals("studies/1.2.3/series/4.5/instances/6.7/bulkdata/00540016/0/00181072",
        ArchiveLayout.entryFor("1.2.3", "series/4.5/instances/6.7/bulkdata/00540016/0/00181072"));
    assertEquals("studies/1.2.3/series/4.5/instances/6.7/frames/1",
        ArchiveLayout.entryFor("1.2.3", "series/4.5/instances/6.7/frames/1"));
    assertTrue(ArchiveLayout.BOUNDARY.length() >= 40 && ArchiveLayout.BOUNDARY.length() <= 70);
  }

  @Test
  void buildersCheckTheirUids() {
    assertThrows(InvalidUidException.class, () -> ArchiveLayout.zipName("../x"));
    assertThrows(InvalidUidException.class, () -> ArchiveLayout.metadataPath("1.2/3"));
    assertThrows(InvalidUidException.class, () -> ArchiveLayout.framePath("1", "..", "3", 1));
    assertThrows(InvalidUidException.class, () -> ArchiveLayout.bulkDataUri("1", "3/..", NESTED));
    assertThrows(IllegalArgumentException.class, () -> ArchiveLayout.framePath("1", "2", "3", 0));
  }

  @Test
  void entryForRefusesEverythingElse() {
    List<String> bad = new ArrayList<>(List.of(
        "/studies/1/series/4.5/instances/6.7/frames/1",
        "http://example.com/series/4.5/instances/6.7/frames/1",
        "../1.2.4/series/4.5/instances/6.7/frames/1",
        "series/4.5/instances/6.7/frames/../../../../metadata",
        "series/../instances/6.7/frames/1",
        "series/4.5/instances/6.7/frames",
        "series/4.5/instances/6.7/frames/",
        "series/4.5/instances/6.7/frames/0",
        "series/4.5/instances/6.7/frames/01",
        "series/4.5/instances/6.7/frames/-1",
        "series/4.5/instances/6.7/frames/99999999999",
        "series/4.5/instances/6.7/frames/1?x=1",
        "series/4.5/instances/6.7/bulkdata/",
        "series/4.5/instances/6.7/bulkdata/00420011/",
        "series/4.5/instances/6.7/bulkdata/0042001",
        "series/4.5/instances/6.7/bulkdata/00420011/0",
        "series/4.5/instances/6.7/bulkdata/00540016/00/00181072",
        "series/4.5/instances/6.7/bulkdata/00540016/+0/00181072",
        "series/4.5/instances/6.7/bulkdata/0054001g",
        "series/4.5/instances/6.7/bulkdata/0042001a",
        "series/4.5/instances/6.7/bulkdata/../../../../../etc/passwd",
        "series/4.5/instances/6.7/rendered",
        "series/4.5/instances/6.7",
        "metadata",
        ""));
    bad.add(null);
    for (String uri : bad) {
      assertThrows(IllegalArgumentException.class, () -> ArchiveLayout.entryFor("1.2.3", uri), String.valueOf(uri));
    }
  }

  @Test
  void uriParsing() {
    ArchiveUri frames = ArchiveUri.parse("series/4.5/instances/6.7/frames");
    assertEquals(new ArchiveUri(ArchiveUri.Kind.FRAMES, "4.5", "6.7", 0, null), frames);
    ArchiveUri frame = ArchiveUri.parse("series/4.5/instances/6.7/frames/2147483647");
    assertEquals(Integer.MAX_VALUE, frame.frame());
    ArchiveUri bulk = ArchiveUri.parse("series/4.5/instances/6.7/bulkdata/00540016/0/00181072");
    assertEquals(NESTED, bulk.path());
    assertEquals("series/4.5/instances/6.7/bulkdata/00540016/0/00181072", bulk.relative());
  }

  @Test
  void archiveOrderIsSeriesSopFramesThenBulkData() {
    List<String> uris = new ArrayList<>(List.of(
        "series/1.2/instances/3/bulkdata/00091041",
        "series/1.10/instances/3/frames/1",
        "series/1.2/instances/3/frames/10",
        "series/1.2/instances/3/frames/2",
        "series/1.2/instances/10/frames/1",
        "series/1.2/instances/3/bulkdata/00091040/0/00091041"));
    List<String> sorted = uris.stream().map(ArchiveUri::parse).sorted(ArchiveUri.ARCHIVE_ORDER)
        .map(ArchiveUri::relative).toList();
    assertEquals(List.of(
        "series/1.10/instances/3/frames/1",
        "series/1.2/instances/10/frames/1",
        "series/1.2/instances/3/frames/2",
        "series/1.2/instances/3/frames/10",
        "series/1.2/instances/3/bulkdata/00091040/0/00091041",
        "series/1.2/instances/3/bulkdata/00091041"), sorted);
  }
}
