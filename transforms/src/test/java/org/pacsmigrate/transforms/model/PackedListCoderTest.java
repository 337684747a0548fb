package org.pacsmigrate.transforms.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/** A list as one array: the same elements back, the array written again as it was read, damage refused. */
class PackedListCoderTest {
  private static final PackedListCoder<KV<String, Long>> CODER =
      PackedListCoder.of(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()));

  private static List<KV<String, Long>> list(int n) {
    List<KV<String, Long>> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(KV.of("1.2.840." + i % 7 + (i % 5 == 0 ? "" : "/é"), (long) i * 1_000_003));
    }
    return l;
  }

  @Test
  void aListComesBackElementForElementAndIsWrittenAgainAsItWasRead() throws Exception {
    List<KV<String, Long>> l = list(300);
    CoderProperties.coderDecodeEncodeEqual(CODER, l);
    CoderProperties.coderDecodeEncodeEqual(CODER, List.of());
    CoderProperties.coderDeterministic(CODER, l, new ArrayList<>(l));
    CoderProperties.coderSerializable(CODER);

    byte[] once = CoderUtils.encodeToByteArray(CODER, l);
    List<KV<String, Long>> back = CoderUtils.decodeFromByteArray(CODER, once);
    assertEquals(l, back);
    assertEquals(l.get(123), back.get(123), "an element read on its own");
    assertArrayEquals(once, CoderUtils.encodeToByteArray(CODER, back), "the array as it was read");
    assertEquals(CODER, SerializableUtils.clone(CODER));
    assertNotEquals(CODER, PackedListCoder.of(StringUtf8Coder.of()));
  }

  @Test
  void aDamagedListIsRefusedNotReadPastItsEnd() throws Exception {
    byte[] good = CoderUtils.encodeToByteArray(CODER, list(3));
    // The form: count (a var int, here one byte), the array's length (a var int), then the elements.
    byte[] moreThanThere = good.clone();
    moreThanThere[0] = 4;
    IOException e = assertThrows(IOException.class, () -> CODER.decode(new ByteArrayInputStream(moreThanThere)));
    assertTrue(e.getMessage().contains("4 elements"), e.getMessage());

    byte[] fewer = good.clone();
    fewer[0] = 2;
    e = assertThrows(IOException.class, () -> CODER.decode(new ByteArrayInputStream(fewer)));
    assertTrue(e.getMessage().contains("bytes after them"), e.getMessage());

    byte[] lying = good.clone();
    ByteBuffer.wrap(lying).putInt(2, Integer.MAX_VALUE); // the first element's length
    e = assertThrows(IOException.class, () -> CODER.decode(new ByteArrayInputStream(lying)));
    assertTrue(e.getMessage().contains("cut short at element 0"), e.getMessage());
  }
}
