package org.pacsmigrate.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.IterableCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.pacsmigrate.transforms.model.PackedListCoder;

/**
 * A {@link GroupByKey} by a text key (a Study Instance UID, a PatientID) that on the Direct runner groups in
 * {@value #DIRECT_BATCHES} batches (by the key's hash) and splits each batch into its keys in memory. The groups
 * are the same; what changes is that the Direct runner hands each key of a grouping on as a bundle of its own and
 * pays about a millisecond per (bundle, step) after it, whatever the step does: one bundle per study (or patient)
 * through every later step was about 1,000 of them per 20,000 files. A batch is still small enough for the
 * progress line to move (a Direct run's counters advance when a bundle ends). Other runners (Flink) group by key
 * as before: their bundles are not per key, and a batch would only hold more in one place.
 */
public final class GroupInBatches<V>
    extends PTransform<PCollection<KV<String, V>>, PCollection<KV<String, Iterable<V>>>> {

  /** Batches on the Direct runner: ten times its usual thread count, so a slow batch does not hold up the end. */
  static final int DIRECT_BATCHES = 32;
  /**
   * Batches for one small record per study (a patient's summaries): the steps after such a grouping do little per
   * record, so a few batches keep the Direct runner's threads busy, and each batch more costs every later step a
   * bundle (32 batches through the patient checks were half of an unchanged delta run's bundles).
   */
  public static final int PER_STUDY_BATCHES = 4;

  private final int batches;

  private GroupInBatches(int batches) {
    this.batches = batches;
  }

  /**
   * Groups {@code input} by key as a step named {@code name}: in batches on the Direct runner, and elsewhere as the
   * plain {@link GroupByKey} it always was (same step name, so a Flink job shows the same boxes).
   */
  public static <V> PCollection<KV<String, Iterable<V>>> groupByKey(PCollection<KV<String, V>> input, String name) {
    return groupByKey(input, name, DIRECT_BATCHES);
  }

  /** @param batches on the Direct runner; 0: by key, whatever the runner (the two forms are compared in tests) */
  public static <V> PCollection<KV<String, Iterable<V>>> groupByKey(PCollection<KV<String, V>> input, String name,
      int batches) {
    if (batches > 0 && onDirectRunner(input) && input.getCoder() instanceof KvCoder<String, V> records
        && records.getKeyCoder() instanceof StringUtf8Coder) {
      return input.apply(name, new GroupInBatches<>(batches));
    }
    return input.apply(name, GroupByKey.create());
  }

  @Override
  public PCollection<KV<String, Iterable<V>>> expand(PCollection<KV<String, V>> input) {
    KvCoder<String, V> records = (KvCoder<String, V>) input.getCoder();
    Coder<KV<String, Iterable<V>>> groups =
        KvCoder.of(records.getKeyCoder(), IterableCoder.of(records.getValueCoder()));
    return input
        .apply("KeyByBatch", ParDo.of(new BatchKeyFn<V>(batches)))
        .setCoder(KvCoder.of(VarIntCoder.of(), PackedListCoder.of(records)))
        .apply("GroupByBatch", GroupByKey.create())
        .apply("SplitIntoGroups", ParDo.of(new SplitFn<V>()))
        .setCoder(groups);
  }

  /** By class name: the transforms do not depend on any runner. */
  private static boolean onDirectRunner(PCollection<?> input) {
    return input.getPipeline().getOptions().getRunner().getName()
        .equals("org.apache.beam.runners.direct.DirectRunner");
  }

  /** The batch a key goes into: the same for every element with that key, on every run. */
  static int batchOf(String key, int batches) {
    return Math.floorMod(key.hashCode(), batches);
  }

  /**
   * A bundle's elements, a list per batch, handed on when the bundle ends (or {@value #MAX_HELD} are held): the
   * grouping then buffers, and copies at each later bundle, one array per bundle and batch, not each element
   * (the copying of single records was 0.9 s of step time in a run of 20,000 files).
   */
  static final class BatchKeyFn<V> extends DoFn<KV<String, V>, KV<Integer, List<KV<String, V>>>> {
    /** Elements held at most, whatever the bundle's size. */
    static final int MAX_HELD = 2_000;

    private final int batches;
    private transient Map<Integer, List<KV<String, V>>> held;
    private transient int count;

    BatchKeyFn(int batches) {
      this.batches = batches;
    }

    @StartBundle
    public void startBundle() {
      held = new TreeMap<>();
      count = 0;
    }

    @ProcessElement
    public void process(@Element KV<String, V> element, OutputReceiver<KV<Integer, List<KV<String, V>>>> out) {
      held.computeIfAbsent(batchOf(element.getKey(), batches), b -> new ArrayList<>()).add(element);
      if (++count >= MAX_HELD) {
        held.forEach((batch, list) -> out.output(KV.of(batch, list)));
        held.clear();
        count = 0;
      }
    }

    /** In the global window, where GroupByKey puts its output too: the job is a batch job. */
    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      held.forEach((batch, list) -> c.output(KV.of(batch, list), GlobalWindow.INSTANCE.maxTimestamp(),
          GlobalWindow.INSTANCE));
      held = null;
    }
  }

  /**
   * One batch's elements, as one group per key (a key's values in the order the batch gave them). Keys are
   * compared as strings, which for UTF-8 text is what the grouping compares (the encoded bytes).
   */
  static final class SplitFn<V>
      extends DoFn<KV<Integer, Iterable<List<KV<String, V>>>>, KV<String, Iterable<V>>> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<List<KV<String, V>>>> batch,
        OutputReceiver<KV<String, Iterable<V>>> out) {
      Map<String, List<V>> groups = new TreeMap<>();
      for (List<KV<String, V>> part : batch.getValue()) {
        for (KV<String, V> element : part) {
          groups.computeIfAbsent(element.getKey(), k -> new ArrayList<>()).add(element.getValue());
        }
      }
      groups.forEach((key, values) -> out.output(KV.of(key, values)));
    }
  }
}
