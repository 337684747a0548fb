package org.pacsmigrate.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * The counts summary.json reports, as a sum: one per manifest row (file and outcome, bytes in) and one per
 * written study (bytes out), added up in a single combine so the numbers come from the same rows as the
 * manifest.
 */
public record Tally(long files, long archived, long duplicate, long rejected, long held, long studies,
    long bytesIn, long bytesOut) implements Serializable {

  public static final Tally ZERO = new Tally(0, 0, 0, 0, 0, 0, 0, 0);

  public static Tally of(ManifestRow row) {
    Outcome o = row.outcome();
    return new Tally(1, o == Outcome.ARCHIVED ? 1 : 0, o == Outcome.DUPLICATE ? 1 : 0,
        o == Outcome.REJECTED ? 1 : 0, o == Outcome.HELD ? 1 : 0, 0, row.size(), 0);
  }

  public static Tally of(StudyResult study) {
    return study.written() ? new Tally(0, 0, 0, 0, 0, 1, 0, study.zipBytes()) : ZERO;
  }

  public Tally plus(Tally t) {
    return new Tally(files + t.files, archived + t.archived, duplicate + t.duplicate, rejected + t.rejected,
        held + t.held, studies + t.studies, bytesIn + t.bytesIn, bytesOut + t.bytesOut);
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
          t.bytesOut}) {
        LONG.encode(v, out);
      }
    }

    @Override
    public Tally decode(InputStream in) throws IOException {
      return new Tally(LONG.decode(in), LONG.decode(in), LONG.decode(in), LONG.decode(in), LONG.decode(in),
          LONG.decode(in), LONG.decode(in), LONG.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
