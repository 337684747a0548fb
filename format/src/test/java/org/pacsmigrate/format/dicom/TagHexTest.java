package org.pacsmigrate.format.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Tag.toHex spells tags exactly as String.format("%08X") did (the JSON keys and paths depend on it). */
class TagHexTest {
  @Test
  void spellsTagsAsEightUpperCaseHexDigits() {
    int[] tags = {0, 0x00080005, Tag.PixelData, 0x7FE00010, 0xFFFEE000, 0xFFFFFFFF, 0x80000000, 0x0010ABCD, 1};
    for (int tag : tags) {
      assertEquals(String.format("%08X", tag), Tag.toHex(tag));
    }
    for (int i = 0; i < 100_000; i++) {
      int tag = i * 0x9E3779B9;
      assertEquals(String.format("%08X", tag), Tag.toHex(tag));
    }
  }
}
