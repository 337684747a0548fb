package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;

/**
 * Records every instance record of this run in this run's index, as it goes: a run that stops before its end
 * is resumed without reading these files again. The files read now are recorded by this transform; those taken
 * unchanged from the index by {@link #unchangedTo}.
 */
public final class JournalInstances extends PTransform<PCollection<KV<String, ParsedInstance>>, PDone> {
  private final RunIndex index;

  private JournalInstances(RunIndex index) {
    this.index = index;
  }

  public static JournalInstances to(RunIndex index) {
    return new JournalInstances(index);
  }

  /** Records again, byte for byte, the records of files unchanged since an earlier run. */
  public static Unchanged unchangedTo(RunIndex index) {
    return new Unchanged(index);
  }

  /** {@link ReuseUnchangedFiles#UNCHANGED}'s batches, recorded again as they were read. */
  public static final class Unchanged extends PTransform<PCollection<KV<Integer, List<RecordedInstance>>>, PDone> {
    private final RunIndex index;

    private Unchanged(RunIndex index) {
      this.index = index;
    }

    @Override
    public PDone expand(PCollection<KV<Integer, List<RecordedInstance>>> batches) {
      batches.apply("Journal", ParDo.of(new JournalUnchangedFn(index)));
      return PDone.in(batches.getPipeline());
    }
  }

  static final class JournalUnchangedFn extends JournalingDoFn<KV<Integer, List<RecordedInstance>>, Void> {
    JournalUnchangedFn(RunIndex index) {
      super(index, "instances", 1 << 20);
    }

    @ProcessElement
    public void process(@Element KV<Integer, List<RecordedInstance>> batch) throws Exception {
      for (RecordedInstance r : batch.getValue()) {
        record(RunIndex.INSTANCE, r.payload(), false);
      }
    }
  }

  @Override
  public PDone expand(PCollection<KV<String, ParsedInstance>> instances) {
    instances.apply("Journal", ParDo.of(new JournalFn(index)));
    return PDone.in(instances.getPipeline());
  }

  static final class JournalFn extends JournalingDoFn<KV<String, ParsedInstance>, Void> {
    private transient ByteArrayOutputStream buffer;

    JournalFn(RunIndex index) {
      super(index, "instances", 1 << 20);
    }

    @ProcessElement
    public void process(@Element KV<String, ParsedInstance> e) throws Exception {
      if (buffer == null) {
        buffer = new ByteArrayOutputStream(1024);
      }
      buffer.reset();
      ParsedInstanceCoder.of().encode(e.getValue(), buffer);
      record(RunIndex.INSTANCE, buffer.toByteArray(), false);
    }
  }
}
