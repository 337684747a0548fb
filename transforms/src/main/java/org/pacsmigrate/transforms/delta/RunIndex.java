package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.UUID;
import org.pacsmigrate.format.io.OutputWriteException;

/**
 * This run's index, as its workers need it: where it goes ({@code {output}/index/}), what it is an index of, and
 * which run writes it. Each worker thread appends to journal files of its own, named
 * {@code journal-{run}-{part}-{uuid}.bin}; {@link IndexCommit} seals them when the run has succeeded.
 */
public record RunIndex(String folder, IndexIdentity identity, String runId, long runStarted)
    implements Serializable {
  public static final byte INSTANCE = 1;
  public static final byte STUDY = 2;
  /** A study's {@link CarriedReconciliation}, recorded as it is reconciled. */
  public static final byte RECONCILED = 3;
  /** A study's {@code StudyResult} (its manifest rows), recorded once its archive is in place. */
  public static final byte ARCHIVED = 4;
  static final String JOURNAL_PREFIX = "journal-";
  static final String JOURNAL_SUFFIX = ".bin";

  /** A new run's index below a local output folder. */
  public static RunIndex newRun(String output, IndexIdentity identity, long runStarted) {
    String id = Long.toString(runStarted, 36) + UUID.randomUUID().toString().substring(0, 8);
    return new RunIndex(folderOf(output).toString(), identity, id, runStarted);
  }

  public static Path folderOf(String output) {
    return Path.of(output, "index").toAbsolutePath().normalize();
  }

  /** A new journal for one worker thread of one step ({@code part}: "instances" or "studies"). */
  public IndexJournal.Writer openJournal(String part) throws OutputWriteException {
    Path file = Path.of(folder, JOURNAL_PREFIX + runId + "-" + part + "-" + UUID.randomUUID() + JOURNAL_SUFFIX);
    return IndexJournal.Writer.create(file, new IndexJournal.Header(identity, runId, runStarted));
  }

  static boolean isJournal(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(JOURNAL_PREFIX) && name.endsWith(JOURNAL_SUFFIX);
  }

  static boolean isJournalOf(Path file, String runId) {
    return file.getFileName().toString().startsWith(JOURNAL_PREFIX + runId + "-");
  }

  /** Closes a journal quietly when the step is torn down; what matters was flushed at each bundle's end. */
  static void closeQuietly(IndexJournal.Writer w) {
    if (w != null) {
      try {
        w.close();
      } catch (IOException e) {
        // Flushed at every bundle's end: a failed close loses nothing the run has relied on.
      }
    }
  }
}
