package org.pacsmigrate.format.p10;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.pacsmigrate.format.corpus.Corpus;

class DicomFileCodecTest {
  @TestFactory
  Stream<DynamicTest> everyCorpusHeaderSurvivesEncodingAndEncodesDeterministically() {
    return Corpus.files().stream().filter(f -> !Corpus.expectRejected(f))
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static void check(Path file) throws Exception {
    DicomFile original = new P10Reader().read(file);
    byte[] once = encode(original);
    DicomFile decoded = DicomFileCodec.read(new DataInputStream(new ByteArrayInputStream(once)));
    assertEquals(original, decoded);
    assertArrayEquals(once, encode(decoded));
  }

  private static byte[] encode(DicomFile f) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DicomFileCodec.write(f, new DataOutputStream(bytes));
    return bytes.toByteArray();
  }
}
