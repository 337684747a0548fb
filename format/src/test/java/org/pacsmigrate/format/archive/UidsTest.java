package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UidsTest {

  @Test
  void validUids() {
    for (String uid : new String[] {"0", "1", "1.2", "1.2.840.10008.1.2.1", "2.25.0.10.100", "1".repeat(64),
        "1.0.0.0", "2.25.329800735698586629295641978511506172918"}) {
      assertEquals(uid, Uids.requireValid(uid, "UID"), uid);
      assertNull(Uids.problem(uid), uid);
    }
  }

  @Test
  void eachRuleHasItsReason() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("", "empty"),
        Map.entry("1".repeat(65), "longer than 64 characters"),
        Map.entry(".1.2", "starts with a dot"),
        Map.entry("1.2.", "ends with a dot"),
        Map.entry("1..2", "has an empty component"),
        Map.entry("1.02", "has a component with a leading zero"),
        Map.entry("00", "has a component with a leading zero"),
        Map.entry("1.2a", "has a character other than a digit or a dot"),
        Map.entry("1.2 ", "has a character other than a digit or a dot"),
        Map.entry("1.2\0", "has a character other than a digit or a dot"),
        Map.entry("-1.2", "has a character other than a digit or a dot"),
        Map.entry("1.２", "has a character other than a digit or a dot"));
    cases.forEach((uid, reason) -> {
      InvalidUidException e = assertThrows(InvalidUidException.class, () -> Uids.requireValid(uid, "Series Instance UID"));
      assertEquals(reason, e.reason(), uid);
      assertEquals("Series Instance UID", e.what());
      assertTrue(e.getMessage().startsWith("Series Instance UID is not a valid UID (" + reason + ")"), e.getMessage());
    });
    assertEquals("missing", assertThrows(InvalidUidException.class, () -> Uids.requireValid(null, "x")).reason());
  }

  @Test
  void nothingThatCouldLeaveAFolderPasses() {
    for (String uid : new String[] {"..", ".", "../1.2", "1.2/../3", "/1.2", "1.2/3", "1\\2", "1.2/", "%2e%2e",
        "1.2%2F3", "~", "1:2"}) {
      assertThrows(InvalidUidException.class, () -> Uids.requireValid(uid, "SOP Instance UID"), uid);
    }
  }

  @Test
  void messagesShowTheUidEscapedAndClipped() {
    InvalidUidException e = assertThrows(InvalidUidException.class,
        () -> Uids.requireValid("1.2\r\nX-Injected: 1" + "9".repeat(100), "SOP Instance UID"));
    assertTrue(e.getMessage().contains("\"1.2\\u000d\\u000aX-Injected: 1"), e.getMessage());
    assertTrue(e.getMessage().endsWith("\"..."), e.getMessage());
    assertTrue(e instanceof IllegalArgumentException);
  }
}
