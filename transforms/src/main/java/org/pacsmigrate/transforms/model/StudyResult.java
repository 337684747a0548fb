package org.pacsmigrate.transforms.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.pacsmigrate.transforms.WriteStudyArchives;

/**
 * What {@link WriteStudyArchives} did with one study: a manifest row for each of its files (archived,
 * duplicate, or rejected when the ZIP could not be written) and, when the study is in the archive, the ZIP's
 * size.
 */
public record StudyResult(String studyUid, State state, long zipBytes, List<ManifestRow> rows) {

  /** Where the study's archive stands after this run. */
  public enum State {
    /** Written by this run. */
    WRITTEN,
    /** Left as an earlier run wrote it: nothing it was made from changed (a delta run). */
    UNCHANGED,
    /** Not in the archive: held, a dry run, or its sources failed. */
    NOT_WRITTEN,
    /** In the archive from an earlier run, but none of its files is in the source any more: kept, reported. */
    MISSING_FROM_SOURCE
  }

  public StudyResult {
    rows = List.copyOf(rows);
  }

  public StudyResult(String studyUid, boolean written, long zipBytes, List<ManifestRow> rows) {
    this(studyUid, written ? State.WRITTEN : State.NOT_WRITTEN, zipBytes, rows);
  }

  public boolean written() {
    return state == State.WRITTEN;
  }

  /** In the archive once this run is done, written now or before. */
  public boolean archived() {
    return state == State.WRITTEN || state == State.UNCHANGED;
  }

  public static final class Coder extends CustomCoder<StudyResult> {
    private static final Coder INSTANCE = new Coder();
    private static final State[] STATES = State.values();
    private static final ListCoder<ManifestRow> ROWS = ListCoder.of(ManifestRow.Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StudyResult value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.studyUid(), out);
      out.write(value.state().ordinal());
      VarLongCoder.of().encode(value.zipBytes(), out);
      ROWS.encode(value.rows(), out);
    }

    @Override
    public StudyResult decode(InputStream in) throws IOException {
      String uid = StringUtf8Coder.of().decode(in);
      int state = in.read();
      if (state < 0 || state >= STATES.length) {
        throw new CoderException("bad study state " + state);
      }
      return new StudyResult(uid, STATES[state], VarLongCoder.of().decode(in), ROWS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
