package org.pacsmigrate.transforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * What {@link WriteStudyArchives} did with one study: a manifest row for each of its files (archived,
 * duplicate, or rejected when the ZIP could not be written) and, when written, the ZIP's size.
 */
public record StudyResult(String studyUid, boolean written, long zipBytes, List<ManifestRow> rows) {

  public StudyResult {
    rows = List.copyOf(rows);
  }

  public static final class Coder extends CustomCoder<StudyResult> {
    private static final Coder INSTANCE = new Coder();
    private static final ListCoder<ManifestRow> ROWS = ListCoder.of(ManifestRow.Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(StudyResult value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.studyUid(), out);
      BooleanCoder.of().encode(value.written(), out);
      VarLongCoder.of().encode(value.zipBytes(), out);
      ROWS.encode(value.rows(), out);
    }

    @Override
    public StudyResult decode(InputStream in) throws IOException {
      return new StudyResult(StringUtf8Coder.of().decode(in), BooleanCoder.of().decode(in),
          VarLongCoder.of().decode(in), ROWS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
