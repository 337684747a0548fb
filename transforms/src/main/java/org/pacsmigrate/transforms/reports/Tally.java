package org.pacsmigrate.transforms.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;
import org.pacsmigrate.transforms.model.StudyResult;

/**
 * The counts summary.json reports, as a sum: one per manifest row (file and outcome, bytes in) and one per
 * written study (bytes out), added up in a single combine so the numbers come from the same rows as the
 * manifest.
 */
public record Tally(long files, long archived, long duplicate, long rejected, long held, long studies,
    long bytesIn, long bytesOut, long studiesWritten, long studiesUnchanged, long filesUnchanged,
    long studiesMissingFromSource, long bytesWritten) implements Serializable {

  public static final Tally ZERO = new Tally(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The counts of a full run (nothing unchanged, nothing missing). */
  public Tally(long files, long archived, long duplicate, long rejected, long held, long studies, long bytesIn,
      long bytesOut) {
    this(files, archived, duplicate, rejected, held, studies, bytesIn, bytesOut, studies, 0, 0, 0, bytesOut);
  }

  public static Tally of(ManifestRow row) {
    Outcome o = row.outcome();
    return new Tally(1, o == Outcome.ARCHIVED ? 1 : 0, o == Outcome.DUPLICATE ? 1 : 0,
        o == Outcome.REJECTED ? 1 : 0, o == Outcome.HELD ? 1 : 0, 0, row.size(), 0);
  }

  /** {@code studies} and {@code bytesOut} are the archive's after this run: written now or left unchanged. */
  public static Tally of(StudyResult study) {
    long z = study.zipBytes();
    return switch (study.state()) {
      case WRITTEN -> new Tally(0, 0, 0, 0, 0, 1, 0, z, 1, 0, 0, 0, z);
      case UNCHANGED -> new Tally(0, 0, 0, 0, 0, 1, 0, z, 0, 1,
          study.rows().stream().filter(r -> r.outcome() == Outcome.ARCHIVED).count(), 0, 0);
      case MISSING_FROM_SOURCE -> new Tally(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
      case NOT_WRITTEN -> ZERO;
    };
  }

  public Tally plus(Tally t) {
    return new Tally(files + t.files, archived + t.archived, duplicate + t.duplicate, rejected + t.rejected,
        held + t.held, studies + t.studies, bytesIn + t.bytesIn, bytesOut + t.bytesOut,
        studiesWritten + t.studiesWritten, studiesUnchanged + t.studiesUnchanged, filesUnchanged + t.filesUnchanged,
        studiesMissingFromSource + t.studiesMissingFromSource, bytesWritten + t.bytesWritten);
  }

  /** Each archived file is one instance: duplicates were set aside before writing. */
  public long instances() {
    return archived;
  }

  public static final class Sum extends Combine.BinaryCombineFn<Tally> {
    @Override
    public Tally apply(Tally left, Tally right) {
      return left.plus(right);
    }

    @Override
    public Tally identity() {
      return ZERO;
    }
  }

  public static final class Coder extends CustomCoder<Tally> {
    private static final Coder INSTANCE = new Coder();
    private static final VarLongCoder LONG = VarLongCoder.of();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(Tally t, OutputStream out) throws IOException {
      for (long v : new long[] {t.files, t.archived, t.duplicate, t.rejected, t.held, t.studies, t.bytesIn,
          t.bytesOut, t.studiesWritten, t.studiesUnchanged, t.filesUnchanged, t.studiesMissingFromSource,
          t.bytesWritten}) {
        LONG.encode(v, out);
      }
    }

    @Override
    public Tally decode(InputStream in) throws IOException {
      long[] v = new long[13];
      for (int i = 0; i < v.length; i++) {
        v[i] = LONG.decode(in);
      }
      return new Tally(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
