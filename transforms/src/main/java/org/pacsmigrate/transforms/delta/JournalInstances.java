package org.pacsmigrate.transforms.delta;

import java.io.ByteArrayOutputStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.pacsmigrate.transforms.ParsedInstance;
import org.pacsmigrate.transforms.ParsedInstanceCoder;

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
    private static final int FLUSH_AT = 1 << 20;
    private final RunIndex index;
    private transient IndexJournal.Writer journal;
    private transient ByteArrayOutputStream buffer;

    JournalFn(RunIndex index) {
      this.index = index;
    }

    @ProcessElement
    public void process(@Element KV<String, ParsedInstance> e) throws Exception {
      if (journal == null) {
        journal = index.openJournal("instances");
        buffer = new ByteArrayOutputStream(1024);
      }
      buffer.reset();
      ParsedInstanceCoder.of().encode(e.getValue(), buffer);
      journal.append(RunIndex.INSTANCE, buffer.toByteArray());
      if (journal.pendingBytes() > FLUSH_AT) {
        journal.flush();
      }
    }

    @FinishBundle
    public void finishBundle() throws Exception {
      if (journal != null) {
        journal.flush();
      }
    }

    @Teardown
    public void teardown() {
      RunIndex.closeQuietly(journal);
      journal = null;
    }
  }
}
