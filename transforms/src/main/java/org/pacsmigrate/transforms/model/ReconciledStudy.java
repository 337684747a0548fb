package org.pacsmigrate.transforms.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.transforms.ReconcileStudies;

/**
 * One study after {@link ReconcileStudies}: its files, whether it is held (and why, for the manifest), and
 * what changes in each instance reconciliation changed (by SOP Instance UID; the others publish their source's
 * data set as it is).
 */
public record ReconciledStudy(DedupedStudy files, boolean held, String heldReason,
    Map<String, MetadataOverlay> metadata) {

  public ReconciledStudy {
    heldReason = heldReason == null ? "" : heldReason;
    metadata = Map.copyOf(metadata);
  }

  public String studyUid() {
    return files.studyUid();
  }

  /** What to publish for one kept instance, given its data set as read from the source. */
  public DataSet metadataOf(ParsedInstance p, DataSet source) {
    MetadataOverlay changed = metadata.get(p.sopInstanceUid());
    return changed != null ? changed.applyTo(source) : source;
  }

  public static final class Coder extends CustomCoder<ReconciledStudy> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ReconciledStudy value, OutputStream out) throws IOException {
      DedupedStudy.Coder.of().encode(value.files(), out);
      BooleanCoder.of().encode(value.held(), out);
      StringUtf8Coder.of().encode(value.heldReason(), out);
      Map<String, MetadataOverlay> sorted = new TreeMap<>(value.metadata());
      VarIntCoder.of().encode(sorted.size(), out);
      for (Map.Entry<String, MetadataOverlay> e : sorted.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        MetadataOverlay.Coder.of().encode(e.getValue(), out);
      }
    }

    @Override
    public ReconciledStudy decode(InputStream in) throws IOException {
      DedupedStudy files = DedupedStudy.Coder.of().decode(in);
      boolean held = BooleanCoder.of().decode(in);
      String reason = StringUtf8Coder.of().decode(in);
      int n = VarIntCoder.of().decode(in);
      Map<String, MetadataOverlay> metadata = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String sop = StringUtf8Coder.of().decode(in);
        metadata.put(sop, MetadataOverlay.Coder.of().decode(in));
      }
      return new ReconciledStudy(files, held, reason, metadata);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
