package org.pacsmigrate.transforms;

import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.transforms.model.ParsedInstance;

/**
 * Brings each study's instances together. Only parsed headers travel (pixel data and bulk values are offsets
 * into the source), so the shuffle stays proportional to metadata, not to image bytes. The order within a
 * group is whatever the runner gives: the next step sorts.
 */
public final class GroupByStudy
    extends PTransform<PCollection<KV<String, ParsedInstance>>, PCollection<KV<String, Iterable<ParsedInstance>>>> {

  private GroupByStudy() {}

  public static GroupByStudy create() {
    return new GroupByStudy();
  }

  @Override
  public PCollection<KV<String, Iterable<ParsedInstance>>> expand(PCollection<KV<String, ParsedInstance>> byStudy) {
    return byStudy.apply("GroupByKey", GroupByKey.create());
  }
}
