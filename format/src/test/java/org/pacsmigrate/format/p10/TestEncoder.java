package org.pacsmigrate.format.p10;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-rolled element bytes for reader tests, so each test shows exactly what is on disk. */
final class TestEncoder {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private boolean explicit;
  private boolean bigEndian;

  TestEncoder(boolean explicit, boolean bigEndian) {
    this.explicit = explicit;
    this.bigEndian = bigEndian;
  }

  static TestEncoder explicitLe() {
    return new TestEncoder(true, false);
  }

  static TestEncoder implicitLe() {
    return new TestEncoder(false, false);
  }

  static TestEncoder explicitBe() {
    return new TestEncoder(true, true);
  }

  TestEncoder preamble() {
    out.writeBytes(new byte[128]);
    out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /** A File Meta group (always explicit LE) with a correct group length. */
  TestEncoder meta(String transferSyntaxUid) {
    TestEncoder m = explicitLe();
    m.element(0x00020001, "OB", new byte[] {0, 1});
    m.text(0x00020002, "UI", "1.2.840.10008.5.1.4.1.1.7\0");
    m.text(0x00020003, "UI", "1.2.3.4\0");
    m.text(0x00020010, "UI", pad(transferSyntaxUid, '\0'));
    byte[] body = m.bytes();
    TestEncoder g = explicitLe();
    g.element(0x00020000, "UL", le32(body.length));
    out.writeBytes(g.bytes());
    out.writeBytes(body);
    return this;
  }

  TestEncoder text(int tag, String vr, String value) {
    return element(tag, vr, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  TestEncoder element(int tag, String vr, byte[] value) {
    header(tag, vr, value.length);
    out.writeBytes(value);
    return this;
  }

  TestEncoder header(int tag, String vr, long length) {
    u16(tag >>> 16);
    u16(tag & 0xFFFF);
    if (explicit && vr != null) {
      out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
      if (java.util.Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV")
          .contains(vr)) {
        u16(0);
        u32(length);
      } else {
        u16((int) length);
      }
    } else {
      u32(length);
    }
    return this;
  }

  TestEncoder item(long length) {
    u16(0xFFFE);
    u16(0xE000);
    u32(length);
    return this;
  }

  TestEncoder itemEnd() {
    u16(0xFFFE);
    u16(0xE00D);
    u32(0);
    return this;
  }

  TestEncoder sequenceEnd() {
    u16(0xFFFE);
    u16(0xE0DD);
    u32(0);
    return this;
  }

  TestEncoder raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  TestEncoder u16(int v) {
    if (bigEndian) {
      out.write(v >>> 8);
      out.write(v);
    } else {
      out.write(v);
      out.write(v >>> 8);
    }
    return this;
  }

  TestEncoder u32(long v) {
    if (bigEndian) {
      u16((int) (v >>> 16));
      u16((int) v);
    } else {
      u16((int) v);
      u16((int) (v >>> 16));
    }
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  int size() {
    return out.size();
  }

  static byte[] le32(long v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  static byte[] le16(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8)};
  }

  static String pad(String s, char padding) {
    return s.length() % 2 == 0 ? s : s + padding;
  }
}
