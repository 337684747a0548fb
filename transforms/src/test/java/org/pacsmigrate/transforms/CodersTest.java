package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodersTest {
  @TempDir Path dir;

  @Test
  void parsedInstancesRoundTripDeterministically() throws Exception {
    ParsedInstance p = TestDicom.parse(TestDicom.write(dir.resolve("a.dcm"), TestDicom.image("1.2.3", 5)));
    byte[] once = CoderUtils.encodeToByteArray(ParsedInstanceCoder.of(), p);
    ParsedInstance back = CoderUtils.decodeFromByteArray(ParsedInstanceCoder.of(), once);
    assertEquals(p, back);
    assertArrayEquals(once, CoderUtils.encodeToByteArray(ParsedInstanceCoder.of(), back));
    // Nested, as in a shuffle's KV: the header's encoding must not swallow what follows it.
    Coder<KV<String, ParsedInstance>> kv = KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of());
    assertEquals(KV.of("k", p), CoderUtils.decodeFromByteArray(kv, CoderUtils.encodeToByteArray(kv, KV.of("k", p))));
    ParsedInstanceCoder.of().verifyDeterministic();
  }

  @Test
  void reportRecordsRoundTrip() throws Exception {
    ManifestRow row = new ManifestRow("/a.dcm", 3, Outcome.HELD, "1.2", "waiting");
    StudyResult study = new StudyResult("1.2", true, 99, List.of(row, row));
    RejectedFile rejected = new RejectedFile("/b", 1, "", "why");
    Tally tally = new Tally(1, 2, 3, 4, 5, 6, 7, 8);
    assertEquals(row, roundTrip(ManifestRow.Coder.of(), row));
    assertEquals(study, roundTrip(StudyResult.Coder.of(), study));
    assertEquals(rejected, roundTrip(RejectedFile.Coder.of(), rejected));
    assertEquals(tally, roundTrip(Tally.Coder.of(), tally));
  }

  private static <T> T roundTrip(Coder<T> coder, T value) throws Exception {
    return CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, value));
  }
}
