package org.pacsmigrate.transforms;

import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.transforms.model.ParsedInstance;

/**
 * Brings each study's instances together. Only parsed headers travel (pixel data and bulk values are offsets
 * into the source), so the shuffle stays proportional to metadata, not to image bytes. The order within a
 * group is whatever the runner gives: the next step sorts. On the Direct runner the studies are grouped in
 * batches and split in memory ({@link GroupInBatches}), so the steps after it run per batch, not per study.
 */
public final class GroupByStudy
    extends PTransform<PCollection<KV<String, ParsedInstance>>, PCollection<KV<String, Iterable<ParsedInstance>>>> {

  private final int batches;

  private GroupByStudy(int batches) {
    this.batches = batches;
  }

  public static GroupByStudy create() {
    return new GroupByStudy(GroupInBatches.DIRECT_BATCHES);
  }

  /** Groups by study whatever the runner (the batched and plain forms are compared in tests). */
  static GroupByStudy plain() {
    return new GroupByStudy(0);
  }

  @Override
  public PCollection<KV<String, Iterable<ParsedInstance>>> expand(PCollection<KV<String, ParsedInstance>> byStudy) {
    return GroupInBatches.groupByKey(byStudy, "GroupByKey", batches);
  }
}
