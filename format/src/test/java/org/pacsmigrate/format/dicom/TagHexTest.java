package org.pacsmigrate.format.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tag.toHex writes what String.format("%08X") writes: JSON keys and difference paths depend on it. */
class TagHexTest {
  @Test
  void eightUpperCaseDigitsForEveryTag() {
    int[] tags = {0, 1, 0x00100010, 0x7FE00010, 0x04000561, 0xFFFEE000, 0xFFFFFFFF, 0x80000000, 0x0002FFFF};
    for (int tag : tags) {
      assertEquals(String.format("%08X", tag), Tag.toHex(tag));
    }
    Random random = new Random(9);
    for (int i = 0; i < 10_000; i++) {
      int tag = random.nextInt();
      assertEquals(String.format("%08X", tag), Tag.toHex(tag));
    }
  }
}
