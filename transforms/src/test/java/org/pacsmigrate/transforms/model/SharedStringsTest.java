package org.pacsmigrate.transforms.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Records of one study share their repeated strings, and stay equal to what was parsed. */
class SharedStringsTest {
  @Test
  void equalStringsSeenRecentlyAreOneInstance() {
    SharedStrings shared = new SharedStrings();
    String a = new String("1.2.840.99.1");
    String b = new String("1.2.840.99.1");
    assertSame(a, shared.share(a));
    assertSame(a, shared.share(b));
    assertEquals(null, shared.share((String) null));
    assertEquals("", shared.share(""));
  }

  @Test
  void aSharedRecordEqualsTheOriginal() {
    SharedStrings shared = new SharedStrings();
    ParsedInstance p = new ParsedInstance("/pacs/a.dcm", 10, 5, new String("1.2.3"), new String("1.2.3.4"),
        "1.2.3.4.5", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.1.2.1", 12, "AE", new byte[] {1, 2},
        new byte[] {3});
    ParsedInstance q = new ParsedInstance("/pacs/b.dcm", 11, 6, new String("1.2.3"), new String("1.2.3.4"),
        "1.2.3.4.6", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.1.2.1", 12, "AE", new byte[] {1},
        new byte[] {4});
    ParsedInstance sp = shared.share(p);
    ParsedInstance sq = shared.share(q);
    assertEquals(p, sp);
    assertEquals(q, sq);
    assertSame(sp.studyUid(), sq.studyUid());
    assertSame(sp.seriesUid(), sq.seriesUid());
  }

  @Test
  void theWindowIsBounded() {
    SharedStrings shared = new SharedStrings();
    String first = new String("uid-0");
    shared.share(first);
    for (int i = 1; i < 10_000; i++) {
      shared.share("uid-" + i);
    }
    String again = new String("uid-0");
    assertSame(again, shared.share(again), "forgotten long ago: the new instance is kept");
  }
}
