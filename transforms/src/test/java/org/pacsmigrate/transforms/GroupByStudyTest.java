package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.transforms.model.PackedListCoder;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;

/** The batched grouping (the Direct runner's) against the plain one, with the runner's checks on. */
class GroupByStudyTest {
  private static final KvCoder<String, ParsedInstance> RECORD = KvCoder.of(StringUtf8Coder.of(),
      ParsedInstanceCoder.of());

  /** 200 studies of 1 to 7 instances, in a shuffled order, some studies sharing a batch. */
  private static List<KV<String, ParsedInstance>> records() {
    List<KV<String, ParsedInstance>> records = new ArrayList<>();
    Random random = new Random(9);
    for (int s = 0; s < 200; s++) {
      String study = "1.2.826.0.1.3680043.2." + s;
      for (int i = 0, n = 1 + random.nextInt(7); i < n; i++) {
        ParsedInstance r = new ParsedInstance("/in/" + s + "/" + i + ".dcm", 1000 + i, 0L, study, study + ".1",
            study + ".1." + i, "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.1.2.1", 10, "", new byte[] {(byte) i},
            new byte[32]);
        records.add(KV.of(study, r));
      }
    }
    Collections.shuffle(records, random);
    return records;
  }

  /** Each study once, with exactly its records (as paths, sorted). */
  private static Map<String, List<String>> byStudy(Iterable<KV<String, Iterable<ParsedInstance>>> groups) {
    Map<String, List<String>> byStudy = new TreeMap<>();
    for (KV<String, Iterable<ParsedInstance>> g : groups) {
      List<String> paths = new ArrayList<>();
      for (ParsedInstance r : g.getValue()) {
        assertEquals(g.getKey(), r.studyUid());
        paths.add(r.path());
      }
      Collections.sort(paths);
      assertTrue(byStudy.put(g.getKey(), paths) == null, "study " + g.getKey() + " in two groups");
    }
    return byStudy;
  }

  @Test
  void batchedAndPlainGroupingGiveTheSameGroups() throws Throwable {
    List<KV<String, ParsedInstance>> records = records();
    Map<String, List<String>> expected = new TreeMap<>();
    records.forEach(kv -> expected.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue().path()));
    expected.values().forEach(Collections::sort);
    BeamTests.run(p -> {
      PCollection<KV<String, ParsedInstance>> in = p.apply(Create.of(records).withCoder(RECORD));
      PCollection<KV<String, Iterable<ParsedInstance>>> batched = in.apply("Batched", GroupByStudy.create());
      PCollection<KV<String, Iterable<ParsedInstance>>> plain = in.apply("Plain", GroupByStudy.plain());
      assertEquals(KvCoder.of(StringUtf8Coder.of(), IterableCoder.of(ParsedInstanceCoder.of())), batched.getCoder());
      PAssert.that(batched).satisfies(groups -> {
        assertEquals(expected, byStudy(groups));
        return null;
      });
      PAssert.that(plain).satisfies(groups -> {
        assertEquals(expected, byStudy(groups));
        return null;
      });
    });
  }

  @Test
  void aBatchSplitsIntoItsStudiesWhateverTheOrder() throws Throwable {
    List<KV<String, ParsedInstance>> records = records().subList(0, 60);
    Map<String, List<String>> expected = new TreeMap<>();
    records.forEach(kv -> expected.computeIfAbsent(kv.getKey(), k -> new ArrayList<>()).add(kv.getValue().path()));
    expected.values().forEach(Collections::sort);
    BeamTests.run(p -> {
      PCollection<KV<String, Iterable<ParsedInstance>>> split = p
          .apply(Create.of(KV.<Integer, Iterable<List<KV<String, ParsedInstance>>>>of(7,
                  List.of(records.subList(0, 25), records.subList(25, 60))))
              .withCoder(KvCoder.of(VarIntCoder.of(), IterableCoder.of(PackedListCoder.of(RECORD)))))
          .apply(ParDo.of(new GroupInBatches.SplitFn<ParsedInstance>()))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), IterableCoder.of(ParsedInstanceCoder.of())));
      PAssert.that(split).satisfies(groups -> {
        assertEquals(expected, byStudy(groups));
        return null;
      });
    });
  }

  @Test
  void aStudysBatchIsFixedAndInRange() {
    for (String study : List.of("1.2.3", "2.25.340282366920938463463374607431768211455", "9")) {
      int b = GroupInBatches.batchOf(study, GroupInBatches.DIRECT_BATCHES);
      assertTrue(b >= 0 && b < GroupInBatches.DIRECT_BATCHES, study);
      assertEquals(b, GroupInBatches.batchOf(new String(study.toCharArray()), GroupInBatches.DIRECT_BATCHES));
    }
  }
}
