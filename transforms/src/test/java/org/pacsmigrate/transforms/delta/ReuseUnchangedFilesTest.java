package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
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
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.PackedListCoder;

class ReuseUnchangedFilesTest {
  private static final long T1 = 1_700_000_000_000L;
  private static final long T2 = T1 + 60_000;

  @TempDir Path dir;
  private ParsedInstance template;

  @BeforeEach
  void template() throws Exception {
    template = DeltaFixtures.instance(dir.resolve("t.dcm"), "1.2.3.4", 1);
  }

  /** An index record of a file: the template's header, this file's location, size, time and study. */
  private ParsedInstance record(String path, long size, long modified, String study) {
    return new ParsedInstance(path, size, modified, study, template.seriesUid(), template.sopInstanceUid(),
        template.sopClassUid(), template.transferSyntaxUid(), template.attributeCount(), template.sourceAe(),
        template.reconciliationEncoding(), template.headerDigest());
  }

  private static KV<String, KV<Long, ParsedInstance>> known(long run, ParsedInstance p) {
    return KV.of(p.path(), KV.of(run, p));
  }

  private void run(List<ListedFile> listed, List<KV<String, KV<Long, ParsedInstance>>> prior, long expectedFiles,
      List<ListedFile> toParse, List<KV<String, ParsedInstance>> unchanged) throws Throwable {
    run(listed, prior, expectedFiles, toParse, unchanged, null);
  }

  /**
   * Runs the split as the job does: the listing in chunks of three files, the index in batches of one record
   * (so a bucket's records arrive in several), both in the buckets {@code expectedFiles} gives.
   *
   * @param touched the studies expected in {@link ReuseUnchangedFiles#TOUCHED_STUDIES}, or null to not check
   */
  private void run(List<ListedFile> listed, List<KV<String, KV<Long, ParsedInstance>>> prior, long expectedFiles,
      List<ListedFile> toParse, List<KV<String, ParsedInstance>> unchanged, List<String> touched) throws Throwable {
    int buckets = ReuseUnchangedFiles.bucketsFor(expectedFiles);
    int studyBuckets = CarriedStudies.bucketsFor(expectedFiles) + 2;
    List<KV<Integer, List<RecordedInstance>>> batches = new ArrayList<>();
    for (KV<String, KV<Long, ParsedInstance>> r : prior) {
      batches.add(KV.of(ReuseUnchangedFiles.bucket(r.getKey(), buckets),
          List.of(RecordedInstance.of(r.getValue().getKey(), r.getValue().getValue()))));
    }
    List<KV<Integer, List<ListedFile>>> chunks = new ArrayList<>();
    for (int i = 0; i < listed.size(); i += 3) {
      chunks.add(KV.of(i / 3, listed.subList(i, Math.min(listed.size(), i + 3))));
    }
    BeamTests.run(p -> {
      PCollection<KV<Integer, List<RecordedInstance>>> before = p.apply("Prior", Create.of(batches).withCoder(
          KvCoder.of(VarIntCoder.of(), PackedListCoder.of(RecordedInstance.Coder.of()))));
      PCollectionTuple out = p.apply("Listed", Create.of(chunks).withCoder(
              KvCoder.of(VarIntCoder.of(), ListCoder.of(ListedFile.Coder.of()))))
          .apply(ReuseUnchangedFiles.against(before, buckets, studyBuckets));
      PAssert.that(out.get(ReuseUnchangedFiles.TO_PARSE)).containsInAnyOrder(toParse);
      PAssert.that(unbatched(out.get(ReuseUnchangedFiles.UNCHANGED), studyBuckets)).containsInAnyOrder(unchanged);
      if (touched != null) {
        PAssert.that(out.get(ReuseUnchangedFiles.TOUCHED_STUDIES)).containsInAnyOrder(touched);
      }
    });
  }

  /** The unchanged batches' records, each checked to be in its study's bucket. */
  private static PCollection<KV<String, ParsedInstance>> unbatched(
      PCollection<KV<Integer, List<RecordedInstance>>> batches, int studyBuckets) {
    return batches.apply("Unbatched", FlatMapElements
        .into(TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptor.of(ParsedInstance.class)))
        .via((KV<Integer, List<RecordedInstance>> batch) -> {
          List<KV<String, ParsedInstance>> out = new ArrayList<>();
          for (RecordedInstance r : batch.getValue()) {
            if (CarriedStudies.bucket(r.studyUid(), studyBuckets) != batch.getKey()) {
              throw new AssertionError(r.studyUid() + " is not in bucket " + batch.getKey());
            }
            out.add(KV.of(r.studyUid(), r.decode()));
          }
          return out;
        }))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ParsedInstanceCoder.of()));
  }

  @Test
  void onlyAFileListedWithTheRecordedSizeAndTimeIsTakenFromTheIndex() throws Throwable {
    ParsedInstance same = record("/src/same.dcm", 100, 5000, "1.1");
    ParsedInstance size = record("/src/size.dcm", 100, 5000, "1.1");
    ParsedInstance mtime = record("/src/mtime.dcm", 100, 5000, "1.1");
    ParsedInstance zero = record("/src/zero.dcm", 100, 0, "1.1");
    ParsedInstance gone = record("/src/gone.dcm", 100, 5000, "1.2");
    // "Aa" and "BB": names too short to tell apart, so one bucket, two paths.
    ParsedInstance aa = record("/src/Aa", 10, 7000, "1.3");
    ParsedInstance bb = record("/src/BB", 10, 7000, "1.3");
    List<ListedFile> listed = List.of(
        new ListedFile("/src/same.dcm", 100, 5000),
        new ListedFile("/src/size.dcm", 101, 5000),
        new ListedFile("/src/mtime.dcm", 100, 5001),
        new ListedFile("/src/zero.dcm", 100, 0),
        new ListedFile("/src/new.dcm", 100, 5000),
        new ListedFile("/src/Aa", 10, 7000),
        new ListedFile("/src/BB", 10, 7001));
    run(listed, List.of(known(T1, same), known(T1, size), known(T1, mtime), known(T1, zero), known(T1, gone),
            known(T1, aa), known(T1, bb)), 0,
        List.of(listed.get(1), listed.get(2), listed.get(3), listed.get(4), listed.get(6)),
        List.of(KV.of("1.1", same), KV.of("1.3", aa)));
  }

  @Test
  void aStudyWithAFileChangedOrGoneIsTouched() throws Throwable {
    ParsedInstance same = record("/src/1/same.dcm", 100, 5000, "1.1");
    ParsedInstance changed = record("/src/2/changed.dcm", 100, 5000, "1.2");
    ParsedInstance gone = record("/src/3/gone.dcm", 100, 5000, "1.3");
    ParsedInstance later = record("/src/4/later.dcm", 100, 5000, "1.4");
    List<ListedFile> listed = List.of(
        new ListedFile("/src/1/same.dcm", 100, 5000),
        new ListedFile("/src/2/changed.dcm", 100, 5001),
        new ListedFile("/src/4/later.dcm", 100, 5000),
        new ListedFile("/src/7/new.dcm", 100, 5000));
    // 1.2 changed, 1.3 gone. Which run recorded an unchanged file (1.4's) is for CarriedStudies to weigh; the
    // new file's study is named once it is read.
    run(listed, List.of(known(T1, same), known(T1, changed), known(T1, gone), known(T2, later)), 0,
        List.of(listed.get(1), listed.get(3)),
        List.of(KV.of("1.1", same), KV.of("1.4", later)),
        List.of("1.2", "1.3"));
  }

  @Test
  void neighboursInAFolderShareABucketSoAChunkOfTheListingMeetsFewBuckets() {
    int buckets = 1000;
    // Names that differ only in their last two characters before the extension: one bucket.
    assertEquals(ReuseUnchangedFiles.bucket("/pacs/st1/se1/IM00011.dcm", buckets),
        ReuseUnchangedFiles.bucket("/pacs/st1/se1/IM00073.dcm", buckets));
    assertEquals(ReuseUnchangedFiles.bucket("/pacs/st1/se1/1.2.840.99.1.7", buckets),
        ReuseUnchangedFiles.bucket("/pacs/st1/se1/1.2.840.99.1.42", buckets));
    // 100 consecutive names of a flat folder fall in at most two buckets ...
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 1200; i < 1300; i++) {
      seen.add(ReuseUnchangedFiles.bucket(String.format("/flat/IM%06d.dcm", i), buckets));
    }
    assertTrue(seen.size() <= 2, "buckets " + seen);
    // ... and 100,000 of them spread over many buckets, so no group holds the whole folder.
    java.util.Map<Integer, Integer> sizes = new java.util.HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      sizes.merge(ReuseUnchangedFiles.bucket(String.format("/flat/IM%06d.dcm", i), buckets), 1, Integer::sum);
    }
    assertTrue(sizes.size() > 500, "buckets " + sizes.size());
    assertTrue(java.util.Collections.max(sizes.values()) <= 800, "largest " + java.util.Collections.max(sizes.values()));
    // A folder name alone, a name without extension, a hidden file: no exception, a bucket in range.
    for (String path : new String[] {"/a/", "/a/b", "/a/.hidden", "x", "/a/b.c.d"}) {
      int b = ReuseUnchangedFiles.bucket(path, buckets);
      assertTrue(b >= 0 && b < buckets, path);
    }
  }

  @Test
  void theLaterRunsRecordOfAPathWins() throws Throwable {
    ParsedInstance older = record("/src/a.dcm", 100, 5000, "1.1");
    ParsedInstance newer = record("/src/a.dcm", 200, 6000, "1.2");
    ParsedInstance olderB = record("/src/b.dcm", 100, 5000, "1.1");
    ParsedInstance newerB = record("/src/b.dcm", 200, 6000, "1.2");
    ListedFile a = new ListedFile("/src/a.dcm", 200, 6000); // as the later run found it
    ListedFile b = new ListedFile("/src/b.dcm", 100, 5000); // as only the earlier run found it
    // The later record first and last: the order the records arrive in does not decide.
    run(List.of(a, b), List.of(known(T2, newer), known(T1, older), known(T1, olderB), known(T2, newerB)), 0,
        List.of(b), List.of(KV.of("1.2", newer)));
  }

  @Test
  void nothingKnownReadsEverythingAndAnEmptyListingGivesNothing() throws Throwable {
    List<ListedFile> listed = List.of(new ListedFile("/src/a", 1, 1), new ListedFile("/src/b", 2, 2));
    run(listed, List.of(), 0, listed, List.of());
    run(List.of(), List.of(known(T1, record("/src/a", 1, 1, "1.1"))), 0, List.of(), List.of());
  }

  @Test
  void manyBucketsDecideAsOneDoes() throws Throwable {
    List<ListedFile> listed = new ArrayList<>();
    List<KV<String, KV<Long, ParsedInstance>>> prior = new ArrayList<>();
    List<ListedFile> toParse = new ArrayList<>();
    List<KV<String, ParsedInstance>> unchanged = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String path = "/src/" + (i % 7) + "/f" + i + ".dcm";
      String study = "1.2." + (i % 11);
      ListedFile f = new ListedFile(path, 1000 + i, 10_000 + i);
      listed.add(f);
      switch (i % 4) {
        case 0 -> { // unchanged
          ParsedInstance p = record(path, f.size(), f.modified(), study);
          prior.add(known(T1, p));
          unchanged.add(KV.of(study, p));
        }
        case 1 -> { // changed
          prior.add(known(T1, record(path, f.size() - 1, f.modified(), study)));
          toParse.add(f);
        }
        case 2 -> toParse.add(f); // new
        default -> { // overwritten by a later run's record that matches
          prior.add(known(T1, record(path, 1, 1, study)));
          ParsedInstance p = record(path, f.size(), f.modified(), study);
          prior.add(known(T2, p));
          unchanged.add(KV.of(study, p));
        }
      }
      prior.add(known(T1, record("/src/gone/" + i, 5, 5, study)));
    }
    for (long expectedFiles : new long[] {0, 999, 50_000, 10_000_000}) {
      run(listed, prior, expectedFiles, toParse, unchanged);
    }
  }
}
