package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayOutputStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.pacsmigrate.transforms.model.ParsedInstance;
import org.pacsmigrate.transforms.model.ParsedInstanceCoder;

/**
 * Records every instance record of this run (read now or taken from the index) in this run's index, as it
 * goes: a run that stops before its end is resumed without reading these files again.
 */
public final class JournalInstances extends PTransform<PCollection<KV<String, ParsedInstance>>, PDone> {
  private final RunIndex index;

  private JournalInstances(RunIndex index) {
    this.index = index;
  }

  public static JournalInstances to(RunIndex index) {
    return new JournalInstances(index);
  }

  @Override
  public PDone expand(PCollection<KV<String, ParsedInstance>> instances) {
    instances.apply("Journal", ParDo.of(new JournalFn(index)));
    return PDone.in(instances.getPipeline());
  }

  static final class JournalFn extends DoFn<KV<String, ParsedInstance>, Void> {
    private final RunIndex index;
    private transient LazyJournal journal;
    private transient ByteArrayOutputStream buffer;

    JournalFn(RunIndex index) {
      this.index = index;
    }

    @Setup
    public void setup() {
      journal = new LazyJournal(index, "instances", 1 << 20);
      buffer = new ByteArrayOutputStream(1024);
    }

    @ProcessElement
    public void process(@Element KV<String, ParsedInstance> e) throws Exception {
      buffer.reset();
      ParsedInstanceCoder.of().encode(e.getValue(), buffer);
      journal.append(RunIndex.INSTANCE, buffer.toByteArray(), false);
    }

    @FinishBundle
    public void finishBundle() throws Exception {
      journal.flush();
    }

    @Teardown
    public void teardown() {
      journal.close();
    }
  }
}
