package org.pacsmigrate.transforms.delta;

import org.apache.beam.sdk.transforms.DoFn;
import org.pacsmigrate.format.io.OutputWriteException;

/**
 * A step that records in this run's index as it goes: one journal per worker thread ({@link LazyJournal}),
 * opened at its first record, handed to the operating system at each bundle's end (a killed JVM keeps what a
 * finished bundle recorded) and closed when the step is torn down. Without an index, nothing is recorded.
 */
public abstract class JournalingDoFn<I, O> extends DoFn<I, O> {
  private final RunIndex index;
  private final String part;
  private final int flushAt;
  private transient LazyJournal journal;

  /**
   * @param index this run's index, or null to record nothing
   * @param part the journal files' part name ("studies", "instances", ...)
   * @param flushAt pending bytes past which records are handed on before the bundle ends
   */
  protected JournalingDoFn(RunIndex index, String part, int flushAt) {
    this.index = index;
    this.part = part;
    this.flushAt = flushAt;
  }

  /** Whether this step keeps an index. */
  protected final boolean recording() {
    return index != null;
  }

  /** Appends a record; {@code now}: handed to the operating system at once. */
  protected final void record(byte kind, byte[] payload, boolean now) throws OutputWriteException {
    journal.append(kind, payload, now);
  }

  @Setup
  public void openJournal() {
    journal = index == null ? null : new LazyJournal(index, part, flushAt);
  }

  @FinishBundle
  public void flushJournal() throws OutputWriteException {
    if (journal != null) {
      journal.flush();
    }
  }

  @Teardown
  public void closeJournal() {
    if (journal != null) {
      journal.close();
    }
  }
}
