package org.pacsmigrate.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.transforms.model.ParsedInstance;

/**
 * Brings each study's instances together. Only parsed headers travel (pixel data and bulk values are offsets
 * into the source), so the shuffle stays proportional to metadata, not to image bytes. The order within a
 * group is whatever the runner gives: the next step sorts.
 *
 * <p>On the Direct runner the studies are grouped in {@value #DIRECT_BATCHES} batches (by the hash of the Study
 * Instance UID) and each batch is split into its studies in memory. The groups are the same; what changes is
 * that the Direct runner hands each key of a grouping on as a bundle of its own, and pays about a millisecond per
 * (bundle, step) after it, whatever the step does: one bundle per study through the five or so steps that follow
 * was 1,000 of them per 20,000 files. A batch is still small enough that the progress line moves (a Direct
 * run's counters advance when a bundle ends). Other runners (Flink) group by study as before: their bundles are
 * not per key, and a batch would only hold more in one place.
 */
public final class GroupByStudy
    extends PTransform<PCollection<KV<String, ParsedInstance>>, PCollection<KV<String, Iterable<ParsedInstance>>>> {

  /** Batches on the Direct runner: ten times its usual thread count, so a slow batch does not hold up the end. */
  static final int DIRECT_BATCHES = 32;

  /** 0: by study, on every runner. */
  private final int batches;

  private GroupByStudy(int batches) {
    this.batches = batches;
  }

  public static GroupByStudy create() {
    return new GroupByStudy(DIRECT_BATCHES);
  }

  /** Groups by study whatever the runner (the batched and plain forms are compared in tests). */
  static GroupByStudy plain() {
    return new GroupByStudy(0);
  }

  @Override
  public PCollection<KV<String, Iterable<ParsedInstance>>> expand(PCollection<KV<String, ParsedInstance>> byStudy) {
    if (batches == 0 || !onDirectRunner(byStudy) || !(byStudy.getCoder() instanceof KvCoder)) {
      return byStudy.apply("GroupByKey", GroupByKey.create());
    }
    KvCoder<String, ParsedInstance> records = (KvCoder<String, ParsedInstance>) byStudy.getCoder();
    Coder<KV<String, Iterable<ParsedInstance>>> groups =
        KvCoder.of(records.getKeyCoder(), IterableCoder.of(records.getValueCoder()));
    return byStudy
        .apply("KeyByBatch", ParDo.of(new BatchKeyFn(batches)))
        .setCoder(KvCoder.of(VarIntCoder.of(), records))
        .apply("GroupByBatch", GroupByKey.create())
        .apply("SplitIntoStudies", ParDo.of(new SplitFn()))
        .setCoder(groups);
  }

  /** By class name: the transforms do not depend on any runner. */
  private static boolean onDirectRunner(PCollection<?> input) {
    return input.getPipeline().getOptions().getRunner().getName()
        .equals("org.apache.beam.runners.direct.DirectRunner");
  }

  /** The batch a study goes into: the same for every instance of the study, on every run. */
  static int batchOf(String studyUid, int batches) {
    return Math.floorMod(studyUid.hashCode(), batches);
  }

  static final class BatchKeyFn extends DoFn<KV<String, ParsedInstance>, KV<Integer, KV<String, ParsedInstance>>> {
    private final int batches;

    BatchKeyFn(int batches) {
      this.batches = batches;
    }

    @ProcessElement
    public void process(@Element KV<String, ParsedInstance> record,
        OutputReceiver<KV<Integer, KV<String, ParsedInstance>>> out) {
      out.output(KV.of(batchOf(record.getKey(), batches), record));
    }
  }

  /** One batch's records, as one group per study (the study's records in the order the batch gave them). */
  static final class SplitFn extends DoFn<KV<Integer, Iterable<KV<String, ParsedInstance>>>,
      KV<String, Iterable<ParsedInstance>>> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<KV<String, ParsedInstance>>> batch,
        OutputReceiver<KV<String, Iterable<ParsedInstance>>> out) {
      Map<String, List<ParsedInstance>> studies = new TreeMap<>();
      for (KV<String, ParsedInstance> record : batch.getValue()) {
        studies.computeIfAbsent(record.getKey(), k -> new ArrayList<>()).add(record.getValue());
      }
      studies.forEach((study, instances) -> out.output(KV.of(study, instances)));
    }
  }
}
