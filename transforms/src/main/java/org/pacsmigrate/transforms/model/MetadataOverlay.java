package org.pacsmigrate.transforms.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.p10.DicomFileCodec;

/**
 * What reconciliation changes in one instance's top-level data set, to lay over the header read again from the
 * source when its study is written: the elements that get a new value, those removed, and the items appended to
 * Original Attributes Sequence (0400,0561) after the source's own (the audit trail). Only these few elements
 * cross the shuffle, never the whole data set.
 *
 * @param changed the elements put in place of the source's (none of them Original Attributes Sequence)
 * @param removed the tags taken out, ascending
 * @param audit the items appended to Original Attributes Sequence
 */
public record MetadataOverlay(DataSet changed, List<Integer> removed, List<DataSet> audit) {
  public static final int ORIGINAL_ATTRIBUTES_SEQUENCE = 0x04000561;

  public MetadataOverlay {
    Objects.requireNonNull(changed, "changed");
    removed = removed.stream().sorted(Integer::compareUnsigned).toList();
    audit = List.copyOf(audit);
    if (changed.contains(ORIGINAL_ATTRIBUTES_SEQUENCE) || removed.contains(ORIGINAL_ATTRIBUTES_SEQUENCE)) {
      throw new IllegalArgumentException("Original Attributes Sequence is appended to, not replaced");
    }
  }

  /**
   * A copy of {@code source} with the changes: removed tags out, changed elements in, and Original Attributes
   * Sequence holding the source's items (when it has that sequence) followed by the audit items.
   */
  public DataSet applyTo(DataSet source) {
    DataSet copy = new DataSet();
    for (DicomElement e : source.elements()) {
      copy.put(e);
    }
    for (int tag : removed) {
      copy.remove(tag);
    }
    for (DicomElement e : changed.elements()) {
      copy.put(e);
    }
    List<DataSet> records = new ArrayList<>();
    DicomElement existing = source.get(ORIGINAL_ATTRIBUTES_SEQUENCE);
    if (existing != null && existing.isSequence()) {
      records.addAll(existing.items());
    }
    records.addAll(audit);
    copy.put(DicomElement.ofItems(ORIGINAL_ATTRIBUTES_SEQUENCE, records));
    return copy;
  }

  /** The changed elements, the removed tags, the audit items: deterministic. */
  public static final class Coder extends StatelessCoder<MetadataOverlay> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(MetadataOverlay value, OutputStream out) throws IOException {
      // DataOutputStream does not buffer, so nothing is left behind in it when the outer stream moves on.
      DataOutputStream data = new DataOutputStream(out);
      DicomFileCodec.writeDataSet(value.changed(), data);
      VarIntCoder.of().encode(value.removed().size(), out);
      for (int tag : value.removed()) {
        VarIntCoder.of().encode(tag, out);
      }
      VarIntCoder.of().encode(value.audit().size(), out);
      for (DataSet item : value.audit()) {
        DicomFileCodec.writeDataSet(item, data);
      }
    }

    @Override
    public MetadataOverlay decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      DataSet changed = DicomFileCodec.readDataSet(data, 0);
      int n = VarIntCoder.of().decode(in);
      List<Integer> removed = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        removed.add(VarIntCoder.of().decode(in));
      }
      int items = VarIntCoder.of().decode(in);
      List<DataSet> audit = new ArrayList<>();
      for (int i = 0; i < items; i++) {
        audit.add(DicomFileCodec.readDataSet(data, 1));
      }
      return new MetadataOverlay(changed, removed, audit);
    }
  }
}
