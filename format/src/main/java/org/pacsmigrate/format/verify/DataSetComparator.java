package org.pacsmigrate.format.verify;

import java.io.IOException;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.pacsmigrate.format.charset.SpecificCharacterSet;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.TextValues;
import org.pacsmigrate.format.dicom.VR;

/**
 * Decides whether two data sets hold the same attributes and values, as "semantically equivalent" Part 10
 * means it: the same text after character set decoding and padding, the same numbers, the same bytes for
 * binary values and frames. Encoding details that PS3.5 lets a writer choose (character set, padding, defined
 * or undefined lengths, group lengths, byte order) are not differences.
 */
public final class DataSetComparator {

  /** Digests values that are not held in memory (bulk data, encapsulated pixel data). */
  @FunctionalInterface
  public interface ValueDigester {
    /**
     * SHA-256 of the first {@code length} bytes of the value in little endian; for top-level pixel data
     * ({@code length} -1), of its frames, each frame's bytes preceded by its length as 8 bytes.
     */
    byte[] digest(ElementPath path, DicomElement element, long length) throws IOException;
  }

  private final ValueDigester left;
  private final ValueDigester right;
  private final Set<Integer> ignoredTopLevel;

  /**
   * @param ignoredTopLevel top-level tags not compared (the caller checks them another way, such as attributes
   *     changed by reconciliation)
   */
  public DataSetComparator(ValueDigester left, ValueDigester right, Set<Integer> ignoredTopLevel) {
    this.left = left;
    this.right = right;
    this.ignoredTopLevel = Set.copyOf(ignoredTopLevel);
  }

  public List<Difference> compare(DataSet a, DataSet b) throws IOException {
    List<Difference> out = new ArrayList<>();
    compare(null, -1, a, charset(a, SpecificCharacterSet.DEFAULT), b, charset(b, SpecificCharacterSet.DEFAULT),
        out);
    return out;
  }

  private void compare(ElementPath parent, int item, DataSet a, SpecificCharacterSet csA, DataSet b,
      SpecificCharacterSet csB, List<Difference> out) throws IOException {
    Set<Integer> tags = new TreeSet<>(Integer::compareUnsigned);
    for (DicomElement e : a.elements()) {
      tags.add(e.tag());
    }
    for (DicomElement e : b.elements()) {
      tags.add(e.tag());
    }
    for (int tag : tags) {
      if (Tag.isEncodingArtefact(tag) || tag == Tag.SpecificCharacterSet
          || parent == null && ignoredTopLevel.contains(tag)) {
        continue;
      }
      ElementPath path = parent == null ? ElementPath.of(tag) : parent.child(item, tag);
      DicomElement x = a.get(tag);
      DicomElement y = b.get(tag);
      if (x == null || y == null) {
        out.add(new Difference(path.toString(), x == null ? "missing on the left" : "missing on the right"));
        continue;
      }
      compareElement(path, x, csA, y, csB, out);
    }
  }

  private void compareElement(ElementPath path, DicomElement x, SpecificCharacterSet csA, DicomElement y,
      SpecificCharacterSet csB, List<Difference> out) throws IOException {
    if (x.isSequence() || y.isSequence()) {
      if (!(x.isSequence() && y.isSequence())) {
        out.add(new Difference(path.toString(), "a sequence on one side only"));
        return;
      }
      List<DataSet> ia = x.items();
      List<DataSet> ib = y.items();
      if (ia.size() != ib.size()) {
        out.add(new Difference(path.toString(), "item count " + ia.size() + " vs " + ib.size()));
        return;
      }
      for (int i = 0; i < ia.size(); i++) {
        compare(path, i, ia.get(i), charset(ia.get(i), csA), ib.get(i), charset(ib.get(i), csB), out);
      }
      return;
    }
    // Encapsulated Pixel Data is OB (PS3.5 A.4); some writers label it OW, which changes nothing in its bytes.
    boolean bothEncapsulated = x.isEncapsulated() && y.isEncapsulated();
    if (x.vr() != y.vr() && x.vr() != VR.UN && y.vr() != VR.UN && !bothEncapsulated) {
      out.add(new Difference(path.toString(), "VR " + x.vr() + " vs " + y.vr()));
      return;
    }
    VR vr = x.vr();
    if (x.vr() == y.vr() && vr.isText() && x.hasBytes() && y.hasBytes()) {
      List<String> va = TextValues.split(vr, csA.decode(x.bytes(), vr == VR.PN));
      List<String> vb = TextValues.split(vr, csB.decode(y.bytes(), vr == VR.PN));
      if (!textEqual(vr, va, vb)) {
        out.add(new Difference(path.toString(), vr + " value differs"));
      }
      return;
    }
    // Pixel Data compares frame by frame: padding after the last frame is not part of the image.
    if (path.depth() == 0 && Tag.isPixelData(path.tag())) {
      if (x.isEncapsulated() != y.isEncapsulated() && (x.isEncapsulated() || y.isEncapsulated())) {
        out.add(new Difference(path.toString(), "encapsulated on one side only"));
      } else if (!Arrays.equals(left.digest(path, x, -1), right.digest(path, y, -1))) {
        out.add(new Difference(path.toString(), "frames differ"));
      }
      return;
    }
    // Binary values, and a value too long for its VR's 16-bit length that a writer turned into UN: bytes.
    if (x.isEncapsulated() || y.isEncapsulated()) {
      if (!(x.isEncapsulated() && y.isEncapsulated())) {
        out.add(new Difference(path.toString(), "encapsulated on one side only"));
      } else if (!Arrays.equals(left.digest(path, x, -1), right.digest(path, y, -1))) {
        out.add(new Difference(path.toString(), "encapsulated frames differ"));
      }
      return;
    }
    long la = x.length();
    long lb = y.length();
    long n = Math.min(la, lb);
    // One padding byte is the only length difference an odd-length original can explain.
    if (la != lb && (Math.abs(la - lb) != 1 || n % 2 == 0)) {
      out.add(new Difference(path.toString(), "length " + la + " vs " + lb));
      return;
    }
    if (!Arrays.equals(digest(left, path, x, n), digest(right, path, y, n))) {
      out.add(new Difference(path.toString(), (x.vr() == y.vr() ? vr.toString() : x.vr() + "/" + y.vr())
          + " value differs"));
    }
  }

  private static byte[] digest(ValueDigester digester, ElementPath path, DicomElement e, long length)
      throws IOException {
    if (e.hasBytes()) {
      return sha256(Arrays.copyOf(e.bytes(), (int) length));
    }
    return digester.digest(path, e, length);
  }

  private static boolean textEqual(VR vr, List<String> a, List<String> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Iterator<String> ib = b.iterator();
    for (String s : a) {
      String t = ib.next();
      if (s.equals(t)) {
        continue;
      }
      if ((vr == VR.DS || vr == VR.IS) && numericEqual(s, t)) {
        continue;
      }
      if (vr == VR.PN && personName(s).equals(personName(t))) {
        continue;
      }
      return false;
    }
    return true;
  }

  /** PS3.5 6.2.1.1: trailing empty components and component groups may be left out; they carry nothing. */
  static String personName(String value) {
    String[] groups = value.split("=", -1);
    StringBuilder b = new StringBuilder();
    int last = -1;
    for (int i = 0; i < groups.length; i++) {
      groups[i] = groups[i].replaceAll("\\^+$", "").stripTrailing();
      if (!groups[i].isEmpty()) {
        last = i;
      }
    }
    for (int i = 0; i <= last; i++) {
      b.append(i > 0 ? "=" : "").append(groups[i]);
    }
    return b.toString();
  }

  private static boolean numericEqual(String s, String t) {
    try {
      return new BigDecimal(TextValues.plainNumber(s)).compareTo(new BigDecimal(TextValues.plainNumber(t))) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static SpecificCharacterSet charset(DataSet ds, SpecificCharacterSet inherited) {
    String[] terms = ds.asciiStrings(Tag.SpecificCharacterSet);
    if (terms == null) {
      return inherited;
    }
    // verify compares every instance of an archive: building the same character set for each costs more than
    // the comparison. A few distinct values occur in practice; the cache stops growing past that.
    List<String> key = Arrays.asList(terms);
    SpecificCharacterSet cs = CHARSETS.get(key);
    if (cs == null) {
      cs = SpecificCharacterSet.valueOf(terms);
      if (CHARSETS.size() < 256) {
        CHARSETS.putIfAbsent(key, cs);
      }
    }
    return cs;
  }

  private static final java.util.concurrent.ConcurrentMap<List<String>, SpecificCharacterSet> CHARSETS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Cloned, never used: looking the algorithm up for each small value costs more than hashing it. */
  private static final MessageDigest SHA256 = newSha256();

  static byte[] sha256(byte[] b) {
    return newSha256().digest(b);
  }

  /** A fresh SHA-256 digest: a clone of one looked up once. */
  static MessageDigest newSha256() {
    if (SHA256 != null) {
      try {
        return (MessageDigest) SHA256.clone();
      } catch (CloneNotSupportedException e) {
        // Looked up below instead.
      }
    }
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
