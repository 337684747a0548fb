package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartTest {
  private static final String TYPE = "image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50";

  private static byte[] entry(String head, byte[] data, String tail) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(data);
    b.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  private static Multipart.Part read(byte[] entry) throws IOException {
    return Multipart.read(new ByteArrayInputStream(entry), entry.length);
  }

  @Test
  void headAndTailAreTheReadmesFraming() {
    String b = ArchiveLayout.BOUNDARY;
    assertEquals("--" + b + "\r\nContent-Type: " + TYPE + "\r\n\r\n",
        new String(Multipart.head(TYPE), StandardCharsets.US_ASCII));
    assertEquals("\r\n--" + b + "--\r\n", new String(Multipart.tail(), StandardCharsets.US_ASCII));
    assertEquals(TYPE, Multipart.contentType("image/jpeg", "1.2.840.10008.1.2.4.50"));
    assertEquals(Multipart.overhead(Multipart.contentType("application/octet-stream", ArchiveLayout.NATIVE_LITTLE_ENDIAN)),
        Multipart.overhead(Multipart.contentType("application/octet-stream", ArchiveLayout.NATIVE_BIG_ENDIAN)),
        "both byte order labels frame bulk data with the same overhead");
  }

  @Test
  void readsWhatIsWritten() throws IOException {
    byte[] data = TestFiles.pattern(100_000, 3);
    byte[] entry = entry(new String(Multipart.head(TYPE), StandardCharsets.US_ASCII), data,
        new String(Multipart.tail(), StandardCharsets.US_ASCII));
    try (Multipart.Part part = read(entry)) {
      assertEquals("image/jpeg", part.mediaType());
      assertEquals("1.2.840.10008.1.2.4.50", part.transferSyntax());
      assertEquals(data.length, part.length());
      assertArrayEquals(data, part.body().readAllBytes());
      assertEquals(-1, part.body().read());
    }
  }

  @Test
  void emptyDataAndDataThatLooksLikeFraming() throws IOException {
    byte[] tricky = ("\r\n--" + ArchiveLayout.BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    for (byte[] data : new byte[][] {new byte[0], tricky}) {
      byte[] entry = entry(new String(Multipart.head(TYPE), StandardCharsets.US_ASCII), data,
          new String(Multipart.tail(), StandardCharsets.US_ASCII));
      try (Multipart.Part part = read(entry)) {
        assertArrayEquals(data, part.body().readAllBytes());
      }
    }
  }

  @Test
  void anyBoundaryAndHeadersOfOtherWriters() throws IOException {
    byte[] entry = entry("--abc'()+_,-./:=?\r\ncontent-type: application/octet-stream;Transfer-Syntax=\"1.2.840.10008.1.2.2\""
        + "\r\nContent-Location: x\r\n\r\n", new byte[] {1, 2}, "\r\n--abc'()+_,-./:=?--\r\n");
    try (Multipart.Part part = read(entry)) {
      assertEquals("application/octet-stream", part.mediaType());
      assertEquals("1.2.840.10008.1.2.2", part.transferSyntax());
      assertArrayEquals(new byte[] {1, 2}, part.body().readAllBytes());
    }
    byte[] noSyntax = entry("--b\r\nContent-Type: image/jpeg\r\n\r\n", new byte[] {1}, "\r\n--b--\r\n");
    try (Multipart.Part part = read(noSyntax)) {
      assertNull(part.transferSyntax());
    }
  }

  @Test
  void wrongLengthIsFoundAtTheTail() throws IOException {
    byte[] entry = entry(new String(Multipart.head(TYPE), StandardCharsets.US_ASCII), new byte[10],
        new String(Multipart.tail(), StandardCharsets.US_ASCII));
    Multipart.Part shorter = Multipart.read(new ByteArrayInputStream(entry), entry.length - 1);
    assertThrows(MultipartException.class, () -> shorter.body().readAllBytes());
    byte[] otherTail = entry(new String(Multipart.head(TYPE), StandardCharsets.US_ASCII), new byte[10],
        "\r\n--" + "X".repeat(ArchiveLayout.BOUNDARY.length()) + "--\r\n");
    Multipart.Part wrong = Multipart.read(new ByteArrayInputStream(otherTail), otherTail.length);
    assertThrows(MultipartException.class, () -> wrong.body().readAllBytes());
    Multipart.Part longer = Multipart.read(new ByteArrayInputStream(entry), entry.length + 5);
    assertThrows(MultipartException.class, () -> longer.body().readAllBytes());
  }

  @Test
  void exactReadOfTheLengthAlsoChecksTheTail() throws IOException {
    byte[] entry = entry(new String(Multipart.head(TYPE), StandardCharsets.US_ASCII), new byte[10],
        "\r\n--" + "X".repeat(ArchiveLayout.BOUNDARY.length()) + "--\r\n");
    Multipart.Part part = Multipart.read(new ByteArrayInputStream(entry), entry.length);
    assertThrows(MultipartException.class, () -> part.body().readNBytes((int) part.length()));
  }

  @Test
  void malformedHeads() {
    String[] heads = {
        "",
        "Content-Type: image/jpeg\r\n\r\n",
        "--b\nContent-Type: image/jpeg\r\n\r\n",
        "--b\r\nContent-Type image/jpeg\r\n\r\n",
        "--b\r\n\r\n",
        "--b\r\nContent-Type: image/jpeg\r\nContent-Type: image/jls\r\n\r\n",
        "--b c\r\nContent-Type: image/jpeg\r\n\r\n",
        "--\r\nContent-Type: image/jpeg\r\n\r\n",
        "--b\r\nContent-Type: image/jp\u00e9g\r\n\r\n",
        "--b\r\nContent-Type: image/jpeg\r\n"};
    for (String head : heads) {
      byte[] e = head.getBytes(StandardCharsets.ISO_8859_1);
      assertThrows(IOException.class, () -> read(e), head);
    }
  }

  @Test
  void headIsBounded() {
    String big = "--b\r\nContent-Type: image/jpeg\r\nX-Pad: " + "x".repeat(5000) + "\r\n\r\n";
    InputStream endless = new InputStream() {
      private final byte[] b = big.getBytes(StandardCharsets.US_ASCII);
      private int i;

      @Override
      public int read() {
        return b[i++ % b.length];
      }
    };
    MultipartException e = assertThrows(MultipartException.class, () -> Multipart.read(endless, Long.MAX_VALUE));
    assertTrue(e.getMessage().contains("longer than 4096"), e.getMessage());
  }

  @Test
  void headRefusesWhatWouldBreakTheFraming() {
    assertThrows(IllegalArgumentException.class, () -> Multipart.head("image/jpeg\r\nX: y"));
    assertThrows(IllegalArgumentException.class, () -> Multipart.head(""));
    assertThrows(IllegalArgumentException.class, () -> Multipart.head(TYPE, "x".repeat(71)));
    assertThrows(InvalidUidException.class, () -> Multipart.contentType("image/jpeg", "1.2\r\n"));
  }

  @Test
  void responseContentType() {
    assertEquals("multipart/related; type=\"image/jpeg\"; boundary=" + ArchiveLayout.BOUNDARY,
        Multipart.responseContentType("image/jpeg"));
    assertEquals("multipart/related; type=\"application/octet-stream\"; boundary=\"a/b\"",
        Multipart.responseContentType("application/octet-stream", "a/b"));
    assertThrows(IllegalArgumentException.class, () -> Multipart.responseContentType("image/\"jpeg"));
  }
}
