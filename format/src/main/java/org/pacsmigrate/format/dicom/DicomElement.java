package org.pacsmigrate.format.dicom;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One data element. Its value is exactly one of: bytes held in memory (numbers in little endian, text as
 * stored, so no character is re-encoded), sequence items, a range left in the source file (large values,
 * pixel data), or the fragments of encapsulated pixel data (also left in the source).
 */
public final class DicomElement {
  private final int tag;
  private final VR vr;
  private final byte[] bytes;
  private final List<DataSet> items;
  private final BulkData bulk;
  private final List<BulkData> fragments;

  private DicomElement(int tag, VR vr, byte[] bytes, List<DataSet> items, BulkData bulk, List<BulkData> fragments) {
    this.tag = tag;
    this.vr = Objects.requireNonNull(vr, "vr");
    this.bytes = bytes;
    this.items = items;
    this.bulk = bulk;
    this.fragments = fragments;
  }

  public static DicomElement ofBytes(int tag, VR vr, byte[] bytes) {
    return new DicomElement(tag, vr, Objects.requireNonNull(bytes), null, null, null);
  }

  public static DicomElement ofItems(int tag, List<DataSet> items) {
    return new DicomElement(tag, VR.SQ, null, List.copyOf(items), null, null);
  }

  public static DicomElement ofBulk(int tag, VR vr, BulkData bulk) {
    return new DicomElement(tag, vr, null, null, Objects.requireNonNull(bulk), null);
  }

  /**
   * Encapsulated pixel data (PS3.5 A.4): {@code basicOffsetTable} is the value of the first item (often
   * empty), held in memory because frames are located by it; {@code fragments} are the remaining items.
   */
  public static DicomElement ofFragments(int tag, VR vr, byte[] basicOffsetTable, List<BulkData> fragments) {
    return new DicomElement(tag, vr, Objects.requireNonNull(basicOffsetTable), null, null, List.copyOf(fragments));
  }

  public int tag() {
    return tag;
  }

  public VR vr() {
    return vr;
  }

  /** True when the value is in memory (for encapsulated pixel data, the bytes are the Basic Offset Table). */
  public boolean hasBytes() {
    return bytes != null && fragments == null;
  }

  public boolean isSequence() {
    return items != null;
  }

  public boolean isBulk() {
    return bulk != null;
  }

  public boolean isEncapsulated() {
    return fragments != null;
  }

  /** The in-memory value; only when {@link #hasBytes()}. Callers must not modify it. */
  public byte[] bytes() {
    if (!hasBytes()) {
      throw new IllegalStateException(Tag.toString(tag) + " has no in-memory value");
    }
    return bytes;
  }

  public List<DataSet> items() {
    if (items == null) {
      throw new IllegalStateException(Tag.toString(tag) + " is not a sequence");
    }
    return items;
  }

  public BulkData bulk() {
    if (bulk == null) {
      throw new IllegalStateException(Tag.toString(tag) + " is not left in the source");
    }
    return bulk;
  }

  /** The Basic Offset Table of encapsulated pixel data (empty when the source had none). */
  public byte[] basicOffsetTable() {
    if (fragments == null) {
      throw new IllegalStateException(Tag.toString(tag) + " is not encapsulated");
    }
    return bytes;
  }

  public List<BulkData> fragments() {
    if (fragments == null) {
      throw new IllegalStateException(Tag.toString(tag) + " is not encapsulated");
    }
    return fragments;
  }

  /** Length of the value in bytes (for sequences: -1, as it depends on encoding). */
  public long length() {
    if (hasBytes()) {
      return bytes.length;
    }
    if (bulk != null) {
      return bulk.length();
    }
    return -1;
  }

  public boolean isEmpty() {
    if (hasBytes()) {
      return bytes.length == 0;
    }
    if (items != null) {
      return items.isEmpty();
    }
    if (bulk != null) {
      return bulk.length() == 0;
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DicomElement e)) {
      return false;
    }
    return tag == e.tag && vr == e.vr && Arrays.equals(bytes, e.bytes) && Objects.equals(items, e.items)
        && Objects.equals(bulk, e.bulk) && Objects.equals(fragments, e.fragments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tag, vr, Arrays.hashCode(bytes), items, bulk, fragments);
  }

  @Override
  public String toString() {
    String value = hasBytes() ? bytes.length + " bytes" : items != null ? items.size() + " items"
        : bulk != null ? "bulk " + bulk : fragments.size() + " fragments";
    return Tag.toString(tag) + " " + vr + " " + value;
  }
}
