package org.pacsmigrate.transforms.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourcePathsTest {
  @TempDir Path dir;

  @Test
  void escapesExactlyControlsSeparatorsPercentAndBytesThatAreNotUtf8() {
    assertEquals("/pacs/Müller/ok é 日本.dcm", SourcePaths.escape("/pacs/Müller/ok é 日本.dcm"));
    assertEquals("a%0Ab%0Dc%E2%80%A8d%C2%85e%25f%09g%7F", SourcePaths.escape("a\nb\rc\u2028d\u0085e%f\tg\u007f"));
    assertEquals("caf%E9.dcm", SourcePaths.escape(bytes("caf", 0xe9, ".dcm")));
    // An overlong form and a lone surrogate are not UTF-8: each byte is escaped.
    assertEquals("%C0%AF", SourcePaths.escape(bytes("", 0xc0, 0xaf, "")));
    assertEquals("%ED%A0%80", SourcePaths.escape(bytes("", 0xed, 0xa0, 0x80, "")));
    assertEquals("emoji \uD83D\uDE00", SourcePaths.escape("emoji \uD83D\uDE00"));
  }

  @Test
  void unescapingGivesBackTheBytes() {
    for (byte[] b : new byte[][] {bytes("M", 0xfc, "ller/x%41.dcm"), "new\nline\u2028%25".getBytes(
        StandardCharsets.UTF_8), bytes("", 0xff, 0xfe, 0x25, 0x0a, "")}) {
      assertArrayEquals(b, SourcePaths.unescape(SourcePaths.escape(b)));
    }
    assertFalse(SourcePaths.escape("a\nb").contains("\n"));
  }

  @Test
  void aLocalNameTheLocaleCannotDecodeIsReopenedByItsBytes() throws Exception {
    Path latin1 = SourcePaths.toPath(SourcePaths.of(dir) + "/caf%E9%0A.dcm");
    Files.writeString(latin1, "x");
    try (var s = Files.list(dir)) {
      Path listed = s.findFirst().orElseThrow();
      assertEquals(SourcePaths.of(dir) + "/caf%E9%0A.dcm", SourcePaths.of(listed));
      assertTrue(Files.isRegularFile(SourcePaths.toPath(SourcePaths.of(listed))));
    }
  }

  @Test
  void plainNamesAndNamesAtItsEdgesReadAndReopenTheSameWay() throws Exception {
    // Plain printable ASCII is taken as it is; '?', '%', a space, a control or a non-ASCII byte go the long way:
    // both must name the same bytes, and reopen the same file.
    for (byte[] name : new byte[][] {bytes("IM00042.dcm"), bytes("what?.dcm"), bytes("100%.dcm"),
        bytes("a b~c_d-e.f"), bytes("tab", 0x09, "x"), bytes("caf", 0xe9), bytes("Ž.dcm"), bytes("~", 0x7f)}) {
      Path file = SourcePaths.toPath(SourcePaths.of(dir) + "/" + SourcePaths.escape(name));
      Files.writeString(file, "x");
      assertArrayEquals(name, SourcePaths.bytes(file.getFileName()), SourcePaths.escape(name));
      assertArrayEquals(name, SourcePaths.unescape(SourcePaths.escape(name)));
      assertEquals(SourcePaths.of(dir) + "/" + SourcePaths.escape(name), SourcePaths.of(file));
      assertTrue(Files.isRegularFile(SourcePaths.toPath(SourcePaths.of(file))), SourcePaths.escape(name));
    }
    try (var s = Files.list(dir)) {
      assertEquals(8, s.count());
    }
  }

  static byte[] bytes(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) p);
      }
    }
    return out.toByteArray();
  }
}
