package org.pacsmigrate.pipeline;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.VR;

/**
 * The elements and UIDs the generated inputs are made of (the sample PACS, the benchmark's inputs, the scale
 * inputs): one place, so every generator gives the same bytes for the same name.
 */
final class SyntheticElements {
  private SyntheticElements() {}

  /** A UID under 2.25 (PS3.5 B.2) derived from a name: the same name always gives the same UID. */
  static String uidFromName(String name) {
    UUID u = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return "2.25." + new BigInteger(1, b.array());
  }

  static DicomElement text(int tag, VR vr, String value) {
    return DicomElement.ofBytes(tag, vr, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  static DicomElement uid(int tag, String value) {
    return DicomElement.ofBytes(tag, VR.UI, value.getBytes(StandardCharsets.US_ASCII));
  }

  static DicomElement us(int tag, int value) {
    return DicomElement.ofBytes(tag, VR.US, new byte[] {(byte) value, (byte) (value >>> 8)});
  }
}
