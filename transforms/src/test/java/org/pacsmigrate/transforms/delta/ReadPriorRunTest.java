package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.BeamTests;
import org.pacsmigrate.transforms.DeltaFixtures;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;

/** The index read back as the job reads it: {@link JournalInstances} writes it, {@link ReadPriorRun} reads it. */
class ReadPriorRunTest {
  private static final IndexIdentity ID = IndexIdentity.of("/pacs", "zip", 100, false, Set.of());
  private static final long T1 = 1_700_000_000_000L;
  private static final long T2 = T1 + 60_000;

  @TempDir Path dir;
  private ParsedInstance a;
  private ParsedInstance b;

  @BeforeEach
  void instances() throws Exception {
    a = DeltaFixtures.instance(dir.resolve("in/a.dcm"), "1.2.3.1", 1);
    b = DeltaFixtures.instance(dir.resolve("in/b.dcm"), "1.2.3.2", 2);
  }

  private String output() {
    return dir.resolve("out").toString();
  }

  private List<String> journals() throws Exception {
    try (Stream<Path> files = Files.list(RunIndex.folderOf(output()))) {
      return files.filter(RunIndex::isJournal).map(Path::toString).sorted().toList();
    }
  }

  /** The batches' records, one by one, each checked to be in its path's bucket. */
  static PCollection<KV<String, KV<Long, ParsedInstance>>> records(
      PCollection<KV<Integer, List<RecordedInstance>>> batches, int buckets) {
    return batches.apply("Records", FlatMapElements
        .into(TypeDescriptors.kvs(TypeDescriptors.strings(),
            TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptor.of(ParsedInstance.class))))
        .via((KV<Integer, List<RecordedInstance>> batch) -> {
          List<KV<String, KV<Long, ParsedInstance>>> out = new ArrayList<>();
          for (RecordedInstance r : batch.getValue()) {
            if (ReuseUnchangedFiles.bucket(r.path(), buckets) != batch.getKey()) {
              throw new AssertionError(r.path() + " is not in bucket " + batch.getKey());
            }
            out.add(KV.of(r.path(), KV.of(r.run(), r.decode())));
          }
          return out;
        }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), ParsedInstanceCoder.of())));
  }

  private static byte[] encoded(ParsedInstance p) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ParsedInstanceCoder.of().encode(p, out);
    return out.toByteArray();
  }

  @Test
  void whatJournalInstancesWroteIsReadBackKeyedByLocationWithItsRun() throws Throwable {
    RunIndex index = RunIndex.newRun(output(), ID, T1);
    List<KV<String, ParsedInstance>> instances = List.of(KV.of(a.studyUid(), a), KV.of(b.studyUid(), b));
    BeamTests.run(p -> p.apply(Create.of(instances).withCoder(KvCoder.of(StringUtf8Coder.of(),
        ParsedInstanceCoder.of()))).apply(JournalInstances.to(index)));
    List<String> journals = journals();
    BeamTests.run(p -> {
      PCollectionTuple read = p.apply(ReadPriorRun.from(journals, 3, 2));
      PAssert.that(records(read.get(ReadPriorRun.INSTANCES), 3)).containsInAnyOrder(KV.of(a.path(), KV.of(T1, a)),
          KV.of(b.path(), KV.of(T1, b)));
      PAssert.that(read.get(ReadPriorRun.STUDIES)).empty();
    });
  }

  @Test
  void aJournalIsReadUpToATornOrCorruptRecord() throws Throwable {
    StudyRecord study = new StudyRecord(a.studyUid(), new byte[32], false, 2, 99, new ArchiveStamp(99, 5));
    RunIndex first = RunIndex.newRun(output(), ID, T1);
    try (IndexJournal.Writer w = first.openJournal("instances")) {
      w.append(RunIndex.INSTANCE, encoded(a));
      w.append(RunIndex.STUDY, study.encode());
      w.append(RunIndex.INSTANCE, encoded(b));
    }
    Path torn = Path.of(journals().get(0));
    byte[] whole = Files.readAllBytes(torn);
    Files.write(torn, Arrays.copyOf(whole, whole.length - 3)); // killed while appending b
    RunIndex second = RunIndex.newRun(output(), ID, T2);
    try (IndexJournal.Writer w = second.openJournal("studies")) {
      w.append(RunIndex.INSTANCE, encoded(b));
      w.append(RunIndex.INSTANCE, encoded(a));
    }
    Path corrupt = journals().stream().map(Path::of).filter(f -> !f.equals(torn)).findFirst().orElseThrow();
    byte[] c = Files.readAllBytes(corrupt);
    c[c.length - 10] ^= 1; // in a's payload
    Files.write(corrupt, c);
    List<String> journals = journals();
    BeamTests.run(p -> {
      PCollectionTuple read = p.apply(ReadPriorRun.from(journals, 1, 1));
      PAssert.that(records(read.get(ReadPriorRun.INSTANCES), 1)).containsInAnyOrder(KV.of(a.path(), KV.of(T1, a)),
          KV.of(b.path(), KV.of(T2, b)));
      PAssert.that(read.get(ReadPriorRun.STUDIES)).containsInAnyOrder(KV.of(a.studyUid(), KV.of(T1, study)));
      // The same record as it is, for the carry-over, batched by its study's bucket.
      PAssert.that(read.get(ReadPriorRun.STUDY_RECORDS)).containsInAnyOrder(KV.of(0,
          List.of(new RecordedStudy(CarriedStudies.WRITTEN, T1, a.studyUid(), study.encode()))));
    });
  }

  @Test
  void manyRecordsAreHandedOnInBatchesOfABucketEach() throws Throwable {
    RunIndex index = RunIndex.newRun(output(), ID, T1);
    int n = 2 * ReadPriorRun.BATCH_RECORDS + 500;
    List<KV<String, KV<Long, ParsedInstance>>> expected = new ArrayList<>();
    try (IndexJournal.Writer w = index.openJournal("instances")) {
      for (int i = 0; i < n; i++) {
        ParsedInstance p = new ParsedInstance("/src/" + (i % 7) + "/IM" + i + ".dcm", 100 + i, T1, a.studyUid(),
            a.seriesUid(), a.sopInstanceUid() + "." + i, a.sopClassUid(), a.transferSyntaxUid(), a.attributeCount(),
            a.sourceAe(), a.reconciliationEncoding(), a.headerDigest());
        w.append(RunIndex.INSTANCE, encoded(p));
        expected.add(KV.of(p.path(), KV.of(T1, p)));
      }
    }
    List<String> journals = journals();
    BeamTests.run(p -> {
      PCollection<KV<Integer, List<RecordedInstance>>> batches =
          p.apply(ReadPriorRun.from(journals, 2, 1)).get(ReadPriorRun.INSTANCES);
      PAssert.that(records(batches, 2)).containsInAnyOrder(expected);
      // Few elements, none larger than a batch: a runner pays per element, a worker holds a batch.
      PAssert.that(batches).satisfies(all -> {
        int count = 0;
        for (KV<Integer, List<RecordedInstance>> b : all) {
          assertTrue(b.getValue().size() <= ReadPriorRun.BATCH_RECORDS, "batch of " + b.getValue().size());
          count++;
        }
        assertTrue(count <= 4, count + " batches");
        return null;
      });
    });
  }

  @Test
  void noJournalsReadNothing() throws Throwable {
    BeamTests.run(p -> {
      PCollectionTuple read = p.apply(ReadPriorRun.from(List.of(), 4, 2));
      PAssert.that(read.get(ReadPriorRun.INSTANCES)).empty();
      PAssert.that(read.get(ReadPriorRun.STUDIES)).empty();
    });
  }

  @Test
  void theLatestRunsRecordWins() {
    assertNull(ReadPriorRun.latest(List.of()));
    List<KV<Long, String>> records = new ArrayList<>(List.of(KV.of(T1, "first"), KV.of(T2, "second"),
        KV.of(T1 - 1, "zeroth")));
    assertEquals("second", ReadPriorRun.latest(records));
    java.util.Collections.reverse(records);
    assertEquals("second", ReadPriorRun.latest(records));
  }
}
