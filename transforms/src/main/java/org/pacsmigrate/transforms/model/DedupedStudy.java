package org.pacsmigrate.transforms.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.pacsmigrate.transforms.SetAsideDuplicates;

/**
 * One study after {@link SetAsideDuplicates}: the files kept (one per SOP Instance, sorted by Series and SOP
 * Instance UID, the archive's order) and the manifest rows already settled (duplicates; or, when the study
 * could not be read for comparing duplicates, every file rejected, and nothing kept).
 */
public record DedupedStudy(String studyUid, List<ParsedInstance> kept, List<ManifestRow> settled) {

  public DedupedStudy {
    kept = List.copyOf(kept);
    settled = List.copyOf(settled);
  }

  public static final class Coder extends CustomCoder<DedupedStudy> {
    private static final Coder INSTANCE = new Coder();
    private static final ListCoder<ParsedInstance> KEPT = ListCoder.of(ParsedInstanceCoder.of());
    private static final ListCoder<ManifestRow> ROWS = ListCoder.of(ManifestRow.Coder.of());

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(DedupedStudy value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.studyUid(), out);
      KEPT.encode(value.kept(), out);
      ROWS.encode(value.settled(), out);
    }

    @Override
    public DedupedStudy decode(InputStream in) throws IOException {
      return new DedupedStudy(StringUtf8Coder.of().decode(in), KEPT.decode(in), ROWS.decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
