package org.pacsmigrate.transforms;

import java.io.DataInputStream;
import java.io.DataOutputStream;
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
import org.pacsmigrate.format.p10.DicomFileCodec;

/**
 * One study after {@link ReconcileStudies}: its files, whether it is held (and why, for the manifest), and
 * the data set to publish for each instance reconciliation changed (by SOP Instance UID; the others publish
 * their source's).
 */
public record ReconciledStudy(DedupedStudy files, boolean held, String heldReason, Map<String, DataSet> metadata) {

  public ReconciledStudy {
    heldReason = heldReason == null ? "" : heldReason;
    metadata = Map.copyOf(metadata);
  }

  public String studyUid() {
    return files.studyUid();
  }

  /** What to publish for one kept instance. */
  public DataSet metadataOf(ParsedInstance p) {
    DataSet changed = metadata.get(p.sopInstanceUid());
    return changed != null ? changed : p.header().dataSet();
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
      Map<String, DataSet> sorted = new TreeMap<>(value.metadata());
      VarIntCoder.of().encode(sorted.size(), out);
      // DataOutputStream does not buffer, so nothing is left behind in it when the outer stream moves on.
      DataOutputStream data = new DataOutputStream(out);
      for (Map.Entry<String, DataSet> e : sorted.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        DicomFileCodec.writeDataSet(e.getValue(), data);
      }
    }

    @Override
    public ReconciledStudy decode(InputStream in) throws IOException {
      DedupedStudy files = DedupedStudy.Coder.of().decode(in);
      boolean held = BooleanCoder.of().decode(in);
      String reason = StringUtf8Coder.of().decode(in);
      int n = VarIntCoder.of().decode(in);
      DataInputStream data = new DataInputStream(in);
      Map<String, DataSet> metadata = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String sop = StringUtf8Coder.of().decode(in);
        metadata.put(sop, DicomFileCodec.readDataSet(data, 0));
      }
      return new ReconciledStudy(files, held, reason, metadata);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
