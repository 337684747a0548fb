package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;
import org.pacsmigrate.transforms.model.StudyResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what earlier runs recorded ({@link PriorRun#journals()}): {@link #INSTANCES} keyed by file location,
 * {@link #STUDIES} keyed by Study Instance UID, each with the start time of the run that recorded it (the latest
 * run's record wins where two runs recorded the same key). A journal is read up to a torn or corrupt record: what
 * comes after is not used, which costs only work (those files are read again, those studies written again).
 */
public final class ReadPriorRun extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<KV<String, KV<Long, ParsedInstance>>> INSTANCES = new TupleTag<>() {};
  public static final TupleTag<KV<String, KV<Long, StudyRecord>>> STUDIES = new TupleTag<>() {};
  /** Each study's reconciliation as recorded ({@link RunIndex#RECONCILED}), keyed by Study Instance UID. */
  public static final TupleTag<KV<String, KV<Long, CarriedReconciliation>>> RECONCILED = new TupleTag<>() {};
  /** Each archived study's manifest rows as recorded ({@link RunIndex#ARCHIVED}), keyed by Study Instance UID. */
  public static final TupleTag<KV<String, KV<Long, StudyResult>>> ARCHIVED = new TupleTag<>() {};
  /** Which run recorded what of each study ({@link CarriedStudies#recordedRun}): a few bytes per record. */
  public static final TupleTag<KV<String, KV<Long, Integer>>> STUDY_RECORDS = new TupleTag<>() {};

  private final List<String> journals;

  private ReadPriorRun(List<String> journals) {
    this.journals = List.copyOf(journals);
  }

  public static ReadPriorRun from(List<String> journals) {
    return new ReadPriorRun(journals);
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple out = begin
        .apply("Journals", Create.of(journals).withCoder(StringUtf8Coder.of()))
        .apply("Spread", Reshuffle.viaRandomKey())
        .apply("ReadJournal", ParDo.of(new ReadFn()).withOutputTags(INSTANCES,
            TupleTagList.of(STUDIES).and(RECONCILED).and(ARCHIVED).and(STUDY_RECORDS)));
    out.get(INSTANCES).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        ParsedInstanceCoder.of())));
    out.get(STUDIES).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        StudyRecord.Coder.of())));
    out.get(RECONCILED).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        CarriedReconciliation.Coder.of())));
    out.get(ARCHIVED).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        StudyResult.Coder.of())));
    out.get(STUDY_RECORDS).setCoder(KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(),
        VarIntCoder.of())));
    return out;
  }

  static final class ReadFn extends DoFn<String, KV<String, KV<Long, ParsedInstance>>> {
    private static final Logger LOG = LoggerFactory.getLogger(ReadPriorRun.class);

    @ProcessElement
    public void process(@Element String journal, MultiOutputReceiver out) throws Exception {
      Path file = Path.of(journal);
      long run;
      try {
        run = IndexJournal.readHeader(file).runStarted();
      } catch (java.nio.file.NoSuchFileException e) {
        // Gone since the run was planned: what it knew is done again (files read, studies written).
        LOG.warn("Index journal {} is gone: its files are read and its studies written again", file.getFileName());
        return;
      }
      IndexJournal.End end = IndexJournal.read(file, (kind, payload) -> {
        if (kind == RunIndex.INSTANCE) {
          ParsedInstance p = ParsedInstanceCoder.of().decode(new ByteArrayInputStream(payload));
          out.get(INSTANCES).output(KV.of(p.path(), KV.of(run, p)));
        } else if (kind == RunIndex.STUDY) {
          StudyRecord s = StudyRecord.decode(payload);
          out.get(STUDIES).output(KV.of(s.studyUid(), KV.of(run, s)));
          out.get(STUDY_RECORDS).output(KV.of(s.studyUid(), KV.of(run,
              s.missingFromSource() ? CarriedStudies.MISSING : CarriedStudies.WRITTEN)));
        } else if (kind == RunIndex.RECONCILED) {
          CarriedReconciliation r = CarriedReconciliation.decode(payload);
          out.get(RECONCILED).output(KV.of(r.studyUid(), KV.of(run, r)));
          out.get(STUDY_RECORDS).output(KV.of(r.studyUid(), KV.of(run, CarriedStudies.RECONCILED)));
        } else if (kind == RunIndex.ARCHIVED) {
          StudyResult r = CoderUtils.decodeFromByteArray(StudyResult.Coder.of(), payload);
          out.get(ARCHIVED).output(KV.of(r.studyUid(), KV.of(run, r)));
          out.get(STUDY_RECORDS).output(KV.of(r.studyUid(), KV.of(run, CarriedStudies.ARCHIVED)));
        }
      });
      if (end == IndexJournal.End.CORRUPT) {
        LOG.warn("Index journal {} is corrupt after some records: the rest is not used (its files are read and "
            + "its studies written again)", file.getFileName());
      }
    }
  }

  /** The latest run's record of a key, or null. */
  static <T> T latest(Iterable<KV<Long, T>> records) {
    KV<Long, T> best = null;
    for (KV<Long, T> r : records) {
      if (best == null || r.getKey() > best.getKey()) {
        best = r;
      }
    }
    return best == null ? null : best.getValue();
  }
}
