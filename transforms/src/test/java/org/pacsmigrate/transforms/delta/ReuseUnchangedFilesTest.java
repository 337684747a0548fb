package org.pacsmigrate.transforms.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.BeamTests;
import org.pacsmigrate.transforms.DeltaFixtures;
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;

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
    run(listed, prior, expectedFiles, toParse, unchanged, null, null);
  }

  /**
   * @param studies what the index recorded of each study ({@link ReadPriorRun#STUDY_RECORDS}), or null to run
   *     without them
   * @param touched the studies expected in {@link ReuseUnchangedFiles#TOUCHED_STUDIES} when {@code studies} is
   *     given
   */
  private void run(List<ListedFile> listed, List<KV<String, KV<Long, ParsedInstance>>> prior, long expectedFiles,
      List<ListedFile> toParse, List<KV<String, ParsedInstance>> unchanged,
      List<KV<String, KV<Long, Integer>>> studies, List<String> touched) throws Throwable {
    BeamTests.run(p -> {
      PCollection<KV<String, KV<Long, ParsedInstance>>> before = p.apply("Prior", Create.of(prior).withCoder(
          KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), ParsedInstanceCoder.of()))));
      ReuseUnchangedFiles reuse = ReuseUnchangedFiles.against(before, expectedFiles);
      if (studies != null) {
        reuse = reuse.withRecordedStudies(p.apply("Studies", Create.of(studies).withCoder(
            KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), VarIntCoder.of())))).apply(View.asMultimap()));
      }
      PCollectionTuple out = p.apply("Listed", Create.of(listed).withCoder(ListedFile.Coder.of())).apply(reuse);
      PAssert.that(out.get(ReuseUnchangedFiles.TO_PARSE)).containsInAnyOrder(toParse);
      PAssert.that(out.get(ReuseUnchangedFiles.UNCHANGED)).containsInAnyOrder(unchanged);
      if (studies != null) {
        PAssert.that(out.get(ReuseUnchangedFiles.TOUCHED_STUDIES)).containsInAnyOrder(touched);
      }
    });
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

  private static List<KV<String, KV<Long, Integer>>> recordedAt(long run, String study) {
    return List.of(KV.of(study, KV.of(run, CarriedStudies.WRITTEN)), KV.of(study, KV.of(run, CarriedStudies.RECONCILED)),
        KV.of(study, KV.of(run, CarriedStudies.ARCHIVED)));
  }

  @Test
  void aStudyWithAFileChangedGoneOrRecordedByAnotherRunIsTouched() throws Throwable {
    ParsedInstance same = record("/src/1/same.dcm", 100, 5000, "1.1");
    ParsedInstance changed = record("/src/2/changed.dcm", 100, 5000, "1.2");
    ParsedInstance gone = record("/src/3/gone.dcm", 100, 5000, "1.3");
    ParsedInstance later = record("/src/4/later.dcm", 100, 5000, "1.4");
    ParsedInstance earlier = record("/src/5/earlier.dcm", 100, 5000, "1.5");
    ParsedInstance unrecorded = record("/src/6/unrecorded.dcm", 100, 5000, "1.6");
    List<ListedFile> listed = List.of(
        new ListedFile("/src/1/same.dcm", 100, 5000),
        new ListedFile("/src/2/changed.dcm", 100, 5001),
        new ListedFile("/src/4/later.dcm", 100, 5000),
        new ListedFile("/src/5/earlier.dcm", 100, 5000),
        new ListedFile("/src/6/unrecorded.dcm", 100, 5000),
        new ListedFile("/src/7/new.dcm", 100, 5000));
    List<KV<String, KV<Long, Integer>>> studies = new ArrayList<>();
    for (String study : List.of("1.1", "1.2", "1.3", "1.4")) {
      studies.addAll(recordedAt(T1, study));
    }
    studies.addAll(recordedAt(T2, "1.5"));
    // 1.2 changed, 1.3 gone, 1.4 and 1.5 each have a file recorded by another run than the study's records. 1.6
    // has no records: never carried, so not named. The new file's study is named once it is read.
    run(listed, List.of(known(T1, same), known(T1, changed), known(T1, gone), known(T2, later), known(T1, earlier),
            known(T2, unrecorded)), 0,
        List.of(listed.get(1), listed.get(5)),
        List.of(KV.of("1.1", same), KV.of("1.4", later), KV.of("1.5", earlier), KV.of("1.6", unrecorded)),
        studies, List.of("1.2", "1.3", "1.4", "1.5"));
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
