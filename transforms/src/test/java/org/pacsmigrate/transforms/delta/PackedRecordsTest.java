package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.DeltaFixtures;
import org.pacsmigrate.transforms.model.PackedListCoder;
import org.pacsmigrate.transforms.model.ParsedInstance;

/**
 * Batches of index records as one packed list ({@link PackedListCoder} of {@link RecordedInstance.Coder}): the same
 * records back, their front fields and whole record readable, and the array written again as it was read.
 */
class PackedRecordsTest {
  @TempDir Path dir;

  private RecordedInstance record(long run, String study, int n) throws Exception {
    ParsedInstance t = DeltaFixtures.instance(dir.resolve("t.dcm"), "1.2.3.4", 1);
    return RecordedInstance.of(run, new ParsedInstance("/src/" + study + "/IM" + n + ".dcm", 100 + n, 5000 + n,
        study, t.seriesUid(), t.sopInstanceUid(), t.sopClassUid(), t.transferSyntaxUid(), t.attributeCount(),
        t.sourceAe(), t.reconciliationEncoding(), t.headerDigest()));
  }

  @Test
  void aBatchComesBackRecordForRecordAndIsWrittenAgainAsItWasRead() throws Exception {
    List<RecordedInstance> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(record(1_700_000_000_000L + i % 3, "1.2." + i % 7, i));
    }
    PackedListCoder<RecordedInstance> coder = PackedListCoder.of(RecordedInstance.Coder.of());
    CoderProperties.coderDecodeEncodeEqual(coder, batch);
    CoderProperties.coderDecodeEncodeEqual(coder, List.of());
    CoderProperties.coderDeterministic(coder, batch, new ArrayList<>(batch));

    byte[] once = CoderUtils.encodeToByteArray(coder, batch);
    List<RecordedInstance> back = CoderUtils.decodeFromByteArray(coder, once);
    assertEquals(batch, back);
    assertArrayEquals(once, CoderUtils.encodeToByteArray(coder, back));
    // What a consumer reads of a record decoded from the batch: its front fields and the whole record.
    RecordedInstance r = back.get(17);
    assertEquals("/src/1.2.3/IM17.dcm", r.path());
    assertEquals(117, r.size());
    assertEquals(5017, r.modified());
    assertEquals("1.2.3", r.studyUid());
    assertEquals(batch.get(17).decode(), r.decode());
    assertEquals(batch.get(17).run(), r.run());
  }

  @Test
  void aBatchWhoseCountDoesNotMatchItsRecordsIsRefused() throws Exception {
    PackedListCoder<RecordedInstance> coder = PackedListCoder.of(RecordedInstance.Coder.of());
    byte[] two = CoderUtils.encodeToByteArray(coder, List.of(record(1, "1.2.3", 1), record(1, "1.2.3", 2)));
    two[0] = 1; // the count (a one-byte VarInt): one record, in the bytes of two
    assertThrows(IOException.class, () -> coder.decode(new java.io.ByteArrayInputStream(two)));
    two[0] = 3; // three
    assertThrows(IOException.class, () -> coder.decode(new java.io.ByteArrayInputStream(two)));
  }
}
