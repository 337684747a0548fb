package org.pacsmigrate.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.pacsmigrate.transforms.io.HeaderCheck;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * Seeded mutations of the corpus for {@link FuzzMigrationTest}: the same seed gives the same files. Each case
 * says what the job must do with it when that is known from the mutation alone (the figures computed here from
 * the geometry written, not by the project's code); otherwise only the invariants apply.
 *
 * <p>Every case gets Study and SOP Instance UIDs of its own (replaced in the bytes, same length), so the cases
 * do not meet as duplicates or in one study, except the cases of {@link #companions}, which share one study on
 * purpose.
 */
final class CorpusMutations {
  /** One file to write: its name below the input, its bytes, and what is expected (null: only invariants). */
  record Case(String name, String kind, byte[] bytes, Outcome expected, List<String> reasonHas, String study) {}

  /** A corpus file the job archives as it is: its bytes and where things are. */
  record Base(String name, byte[] bytes, String studyUid, String sopUid, TransferSyntax syntax, BulkData pixels,
      boolean encapsulated, long rows, long columns, long samples, long bits, long frames, String photometric) {
    boolean nativeImage() {
      return pixels != null && !encapsulated;
    }
  }

  private final Random random;
  private long counter;
  private final List<Case> cases = new ArrayList<>();

  CorpusMutations(long seed) {
    this.random = new Random(seed);
  }

  List<Case> cases() {
    return cases;
  }

  /** Corpus files the job archives whole, not deflated (their bytes cannot be edited in place). */
  static List<Base> bases(Path corpus) throws IOException {
    List<Base> out = new ArrayList<>();
    HeaderCheck check = new HeaderCheck();
    try (Stream<Path> walk = Files.walk(corpus)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
        HeaderCheck.Verdict v;
        try (FileChannel ch = FileChannel.open(file)) {
          v = check.check(file.toString(), Files.size(file), ch);
        }
        if (v.parsed() == null) {
          continue;
        }
        DicomFile f;
        try (FileChannel ch = FileChannel.open(file)) {
          f = new P10Reader().read(file.toString(), ch);
        }
        DataSet ds = f.dataSet();
        String study = ds.asciiString(Tag.StudyInstanceUID);
        String sop = ds.asciiString(Tag.SOPInstanceUID);
        if (f.transferSyntax().deflated() || study.length() < 12 || sop.length() < 12) {
          continue;
        }
        DicomElement px = ds.get(Tag.PixelData);
        BulkData pixels = null;
        boolean encapsulated = false;
        if (px != null && px.isBulk()) {
          pixels = px.bulk();
        } else if (px != null && px.isEncapsulated() && !px.fragments().isEmpty()) {
          encapsulated = true;
          BulkData first = px.fragments().get(0);
          BulkData last = px.fragments().get(px.fragments().size() - 1);
          pixels = new BulkData(first.offset(), last.end() - first.offset());
        }
        out.add(new Base(corpus.relativize(file).toString(), Files.readAllBytes(file), study, sop,
            f.transferSyntax(), pixels, encapsulated, ds.integer(Tag.Rows, -1), ds.integer(Tag.Columns, -1),
            ds.integer(Tag.SamplesPerPixel, 1), ds.integer(Tag.BitsAllocated, -1),
            ds.asciiString(Tag.NumberOfFrames) == null ? 1 : ds.integer(Tag.NumberOfFrames, 1),
            ds.asciiString(Tag.PhotometricInterpretation)));
      }
    }
    return out;
  }

  /** A UID of {@code length} characters no other case has. */
  private String freshUid(int length) {
    String n = Long.toString(++counter);
    return "2.25.9" + "0".repeat(length - 6 - n.length()) + n;
  }

  /** The base's bytes with Study and SOP Instance UIDs of their own (every occurrence, same length). */
  private byte[] ownCopy(Base b, String study) {
    byte[] bytes = replaceAll(b.bytes(), b.sopUid(), freshUid(b.sopUid().length()));
    return replaceAll(bytes, b.studyUid(), study);
  }

  private String freshStudy(Base b) {
    return freshUid(b.studyUid().length());
  }

  static byte[] replaceAll(byte[] bytes, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(StandardCharsets.US_ASCII);
    if (f.length != t.length) {
      throw new IllegalArgumentException("same length only");
    }
    byte[] out = bytes.clone();
    outer:
    for (int i = 0; i + f.length <= out.length; i++) {
      for (int j = 0; j < f.length; j++) {
        if (out[i + j] != f[j]) {
          continue outer;
        }
      }
      System.arraycopy(t, 0, out, i, t.length);
      i += f.length - 1;
    }
    return out;
  }

  private void add(String name, String kind, byte[] bytes, Outcome expected, String study, String... reasonHas) {
    cases.add(new Case(name, kind, bytes, expected, List.of(reasonHas), study));
  }

  /** {@code perBase} mutations of each base, spread over the kinds. */
  void mutate(List<Base> bases, int perBase) throws IOException {
    for (int i = 0; i < bases.size(); i++) {
      Base b = bases.get(i);
      String stem = String.format("b%02d-", i);
      for (int k = 0; k < perBase; k++) {
        String name = stem + String.format("%03d", k);
        String study = freshStudy(b);
        byte[] copy = ownCopy(b, study);
        switch (k % 10) {
          case 0 -> add(name + "-copy.dcm", "copy", copy, Outcome.ARCHIVED, study);
          case 1, 2 -> truncate(name, b, copy, study);
          case 3, 4 -> flip(name, copy, study, copy.length);
          case 5 -> flip(name, copy, study, b.pixels() == null ? copy.length : (int) b.pixels().offset());
          case 6 -> lengthEdit(name, b, copy, study);
          case 7, 8 -> geometry(name, b, copy, study);
          default -> unclosed(name, b, copy, study);
        }
      }
    }
  }

  private void truncate(String name, Base b, byte[] copy, String study) {
    int cut = random.nextInt(copy.length);
    byte[] bytes = java.util.Arrays.copyOf(copy, cut);
    boolean insidePixels = b.pixels() != null && cut >= b.pixels().offset() && cut < b.pixels().end();
    // Cut inside the pixel data: its length claims more than is left.
    add(name + "-truncated-at-" + cut + ".dcm", "truncation", bytes, insidePixels ? Outcome.REJECTED : null, study);
  }

  private void flip(String name, byte[] copy, String study, int below) {
    byte[] bytes = copy.clone();
    int n = 1 + random.nextInt(4);
    for (int i = 0; i < n; i++) {
      int at = 132 + random.nextInt(Math.max(1, below - 132));
      if (at < bytes.length) {
        bytes[at] ^= (byte) (1 + random.nextInt(255));
      }
    }
    add(name + "-flipped.dcm", below == copy.length ? "byte flip" : "header byte flip", bytes, null, study);
  }

  private void lengthEdit(String name, Base b, byte[] copy, String study) {
    byte[] bytes = copy.clone();
    if (b.nativeImage() && b.pixels().end() == copy.length && random.nextBoolean()) {
      // The Pixel Data's own length field (the 4 bytes before its value in every encoding read here).
      long length = b.pixels().length();
      long claimed = random.nextBoolean() ? length + 2 + 2L * random.nextInt(1000) : length - 2;
      putU32(bytes, (int) b.pixels().offset() - 4, claimed, b.syntax().bigEndian());
      // Longer than the file, or two bytes short of the frames (the rest parses as garbage or padding): rejected.
      add(name + "-pixel-length-" + claimed + ".dcm", "pixel length edit", bytes, Outcome.REJECTED, study);
      return;
    }
    // Anywhere in the header: a 16- or 32-bit field set to a small, odd, huge or undefined length.
    int limit = b.pixels() == null ? bytes.length : (int) b.pixels().offset();
    int at = 132 + random.nextInt(Math.max(1, limit - 136));
    long[] values = {0, 1, 3, 0xFF, 0xFFFF, 0x7FFFFFFFL, 0xFFFFFFFFL, 0xFFFFFFFEL, random.nextInt(1 << 20)};
    long v = values[random.nextInt(values.length)];
    if (random.nextBoolean()) {
      putU32(bytes, at, v, false);
    } else {
      bytes[at] = (byte) v;
      bytes[at + 1] = (byte) (v >>> 8);
    }
    add(name + "-length-edit-at-" + at + ".dcm", "length edit", bytes, null, study);
  }

  private static void putU32(byte[] b, int at, long v, boolean bigEndian) {
    for (int i = 0; i < 4; i++) {
      b[at + (bigEndian ? 3 - i : i)] = (byte) (v >>> (8 * i));
    }
  }

  /** Rows, Columns, Bits Allocated, Samples per Pixel or Number of Frames set to another value. */
  private void geometry(String name, Base b, byte[] copy, String study) throws IOException {
    if (!b.nativeImage() || b.rows() < 1 || b.columns() < 1 || b.bits() < 1) {
      flip(name, copy, study, copy.length);
      return;
    }
    long rows = b.rows();
    long columns = b.columns();
    long samples = b.samples();
    long bits = b.bits();
    long frames = b.frames();
    byte[] bytes = copy.clone();
    String what;
    int choice = random.nextInt(5);
    int tag;
    long value;
    switch (choice) {
      case 0 -> {
        tag = Tag.Rows;
        value = random.nextBoolean() ? rows * 2 : Math.max(1, rows / 2 + random.nextInt(2));
        rows = value;
      }
      case 1 -> {
        tag = Tag.Columns;
        value = random.nextBoolean() ? columns + 1 : columns * 2;
        columns = value;
      }
      case 2 -> {
        tag = Tag.BitsAllocated;
        long[] choices = {7, 12, 8, 16, 32, 1};
        value = choices[random.nextInt(choices.length)];
        bits = value;
      }
      case 3 -> {
        tag = Tag.SamplesPerPixel;
        value = samples == 1 ? 3 : 1;
        samples = value;
      }
      default -> {
        tag = Tag.NumberOfFrames;
        value = -1;
      }
    }
    if (tag == Tag.NumberOfFrames) {
      // Number of Frames (IS): emptied (all spaces) when present, the RT Dose case.
      int at = findTextValue(bytes, b, Tag.NumberOfFrames);
      if (at < 0) {
        flip(name, copy, study, copy.length);
        return;
      }
      int length = valueLength(bytes, at, b);
      java.util.Arrays.fill(bytes, at, at + length, (byte) ' ');
      frames = 1;
      what = "NumberOfFrames-empty";
    } else {
      int at = findUsValue(bytes, b, tag);
      if (at < 0) {
        flip(name, copy, study, copy.length);
        return;
      }
      putU16(bytes, at, value, b.syntax().bigEndian());
      what = Tag.toHex(tag) + "=" + value;
    }
    // Did the edit land on the top-level attribute? Read back (measuring the mutation, not judging it).
    DicomFile back;
    Path probe = Files.createTempFile("fuzz-probe-", ".dcm");
    try {
      Files.write(probe, bytes);
      back = new P10Reader().read(probe);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(probe);
      add(name + "-" + what + ".dcm", "geometry edit", bytes, null, study);
      return;
    }
    DataSet ds = back.dataSet();
    boolean landed = ds.integer(Tag.Rows, -1) == rows && ds.integer(Tag.Columns, -1) == columns
        && ds.integer(Tag.SamplesPerPixel, 1) == samples && ds.integer(Tag.BitsAllocated, -1) == bits
        && (ds.asciiString(Tag.NumberOfFrames) == null ? 1 : ds.integer(Tag.NumberOfFrames, -2)) == frames;
    Files.deleteIfExists(probe);
    if (!landed) {
      add(name + "-" + what + ".dcm", "geometry edit", bytes, null, study);
      return;
    }
    long length = b.pixels().length();
    if (bits != 1 && bits % 8 != 0) {
      add(name + "-" + what + ".dcm", "geometry edit", bytes, Outcome.REJECTED, study,
          "Bits Allocated (0028,0100) is " + bits + ", not 1 or a multiple of 8");
      return;
    }
    long s = samples == 3 && b.photometric() != null && b.photometric().endsWith("_422") ? 2 : samples;
    long needed = (rows * columns * s * bits * frames + 7) / 8;
    if (length >= needed && length <= needed + (needed & 1)) {
      add(name + "-" + what + ".dcm", "geometry edit", bytes, Outcome.ARCHIVED, study);
    } else {
      add(name + "-" + what + ".dcm", "geometry edit", bytes, Outcome.REJECTED, study,
          "Pixel Data holds " + length + " bytes", "need " + needed);
    }
  }

  private static void putU16(byte[] b, int at, long v, boolean bigEndian) {
    b[at + (bigEndian ? 1 : 0)] = (byte) v;
    b[at + (bigEndian ? 0 : 1)] = (byte) (v >>> 8);
  }

  /** Offset of the 2-byte value of the first US element {@code tag} after the file meta, or -1. */
  private static int findUsValue(byte[] bytes, Base b, int tag) {
    int at = find(bytes, header(b, tag, "US", 2));
    return at < 0 ? -1 : at + 8;
  }

  /** Offset of the value of the first text element {@code tag} (short header) after the file meta, or -1. */
  private static int findTextValue(byte[] bytes, Base b, int tag) {
    int at = find(bytes, header(b, tag, "IS", -1));
    return at < 0 ? -1 : at + 8;
  }

  /** The element header's bytes up to (and for {@code length} >= 0 including) its length field. */
  private static byte[] header(Base b, int tag, String vr, int length) {
    boolean be = b.syntax().bigEndian();
    boolean explicit = b.syntax().explicitVr();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeU16(out, tag >>> 16, be);
    writeU16(out, tag & 0xFFFF, be);
    if (explicit) {
      out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
      if (length >= 0) {
        writeU16(out, length, be);
      }
    } else if (length >= 0) {
      writeU16(out, length, false);
      writeU16(out, 0, false);
    }
    return out.toByteArray();
  }

  private static void writeU16(ByteArrayOutputStream out, int v, boolean be) {
    if (be) {
      out.write(v >>> 8);
      out.write(v);
    } else {
      out.write(v);
      out.write(v >>> 8);
    }
  }

  /** Where the first occurrence of {@code header} after the file meta starts, or -1. */
  private static int find(byte[] bytes, byte[] header) {
    outer:
    for (int i = 132; i + header.length <= bytes.length; i++) {
      for (int j = 0; j < header.length; j++) {
        if (bytes[i + j] != header[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The length of a short-header value that starts at {@code at} (its header 8 bytes before). */
  private static int valueLength(byte[] bytes, int at, Base b) {
    if (b.syntax().explicitVr()) {
      return b.syntax().bigEndian() ? (bytes[at - 2] & 0xFF) << 8 | bytes[at - 1] & 0xFF
          : bytes[at - 2] & 0xFF | (bytes[at - 1] & 0xFF) << 8;
    }
    return bytes[at - 4] & 0xFF | (bytes[at - 3] & 0xFF) << 8;
  }

  /** A sequence or item left open at the end of the file (explicit VR little endian bases only). */
  private void unclosed(String name, Base b, byte[] copy, String study) {
    if (!b.syntax().explicitVr() || b.syntax().bigEndian()) {
      truncate(name, b, copy, study);
      return;
    }
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    tail.writeBytes(copy);
    // (7FE1,1001) SQ, undefined length, after everything else.
    tail.writeBytes(new byte[] {(byte) 0xE1, 0x7F, 0x01, 0x10, 'S', 'Q', 0, 0, -1, -1, -1, -1});
    String kind;
    switch (random.nextInt(3)) {
      case 0 -> {
        kind = "unclosed-item";
        tail.writeBytes(new byte[] {-2, -1, 0, -32, -1, -1, -1, -1});
        tail.writeBytes(new byte[] {(byte) 0xE1, 0x7F, 0x02, 0x10, 'L', 'O', 2, 0, 'A', 'B'});
      }
      case 1 -> {
        kind = "unclosed-sequence";
        tail.writeBytes(new byte[] {-2, -1, 0, -32, 10, 0, 0, 0});
        tail.writeBytes(new byte[] {(byte) 0xE1, 0x7F, 0x02, 0x10, 'L', 'O', 2, 0, 'A', 'B'});
      }
      default -> {
        kind = "item-past-the-end";
        tail.writeBytes(new byte[] {-2, -1, 0, -32, 0, 1, 0, 0});
        tail.writeBytes(new byte[] {(byte) 0xE1, 0x7F, 0x02, 0x10, 'L', 'O', 2, 0, 'A', 'B'});
      }
    }
    add(name + "-" + kind + ".dcm", kind, tail.toByteArray(), Outcome.REJECTED, study);
  }

  /**
   * One study shared by several files: clean copies, which must be archived together, and files each with one
   * fault, each rejected alone (issue 10: an invalid Transfer Syntax UID used to cost the whole study).
   */
  void companions(Base b, String dir) {
    String study = freshStudy(b);
    for (int i = 0; i < 3; i++) {
      add(dir + "/clean-" + i + ".dcm", "companion", ownCopy(b, study), Outcome.ARCHIVED, study);
    }
    String ts = b.syntax().uid();
    String broken = ts.substring(0, ts.length() - 1) + "x";
    add(dir + "/invalid-transfer-syntax.dcm", "companion", replaceAll(ownCopy(b, study), ts, broken),
        Outcome.REJECTED, study, "Transfer Syntax UID (0002,0010) is not a valid UID");
    String sop = freshUid(b.sopUid().length());
    byte[] multi = replaceAll(replaceAll(b.bytes(), b.sopUid(), sop), b.studyUid(), study);
    // "2.25.9000...n" becomes the two values "2.25" and "9000...n", each on its own a valid UID.
    String twoValues = sop.substring(0, 4) + "\\" + sop.substring(5);
    add(dir + "/two-sop-uids.dcm", "companion", replaceAll(multi, sop, twoValues), Outcome.REJECTED, study,
        "SOP Instance UID (0008,0018) is not a valid UID (it holds 2 values");
    byte[] noClass = ownCopy(b, study);
    int at = find(noClass, header(b, Tag.SOPClassUID, "UI", -1));
    if (at >= 0) {
      // (0008,0016) becomes (0008,0017): the instance has no SOP Class UID.
      noClass[at + (b.syntax().bigEndian() ? 3 : 2)] = 0x17;
      add(dir + "/no-sop-class.dcm", "companion", noClass, Outcome.REJECTED, study, "no SOP Class UID (0008,0016)");
    }
  }

  /** Files made from scratch: deep nesting, and deflated data sets within and beyond the inflation limit. */
  void madeFiles() throws IOException {
    add("made/nested-40.dcm", "nesting", nested(40), Outcome.ARCHIVED, null);
    add("made/nested-70.dcm", "nesting", nested(70), Outcome.REJECTED, null, "nested deeper than 64");
    add("made/deflated-small.dcm", "deflate", deflated(200_000), Outcome.ARCHIVED, null);
    add("made/deflated-bomb.dcm", "deflate", deflated(24 << 20), Outcome.REJECTED, null,
        "the limit is 200:1, --maxInflationRatio");
  }

  private DataSet instance() {
    DataSet ds = new DataSet();
    ds.put(text(Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.7"));
    ds.put(text(Tag.SOPInstanceUID, VR.UI, freshUid(30)));
    ds.put(text(Tag.StudyInstanceUID, VR.UI, freshUid(30)));
    ds.put(text(Tag.SeriesInstanceUID, VR.UI, freshUid(30)));
    ds.put(text(Tag.PatientName, VR.PN, "FUZZ^MADE"));
    return ds;
  }

  private byte[] nested(int depth) throws IOException {
    DataSet inner = new DataSet();
    inner.put(text(0x00081030, VR.LO, "deepest"));
    for (int i = 0; i < depth; i++) {
      DataSet outer = new DataSet();
      outer.put(DicomElement.ofItems(0x00400275, List.of(inner)));
      inner = outer;
    }
    DataSet ds = instance();
    for (DicomElement e : inner.elements()) {
      ds.put(e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new P10Writer().write(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, BulkDataSource.none(), out);
    return out.toByteArray();
  }

  private byte[] deflated(int zeros) throws IOException {
    DataSet ds = instance();
    ds.put(text(0x00091010, VR.LO, "FUZZ"));
    ds.put(DicomElement.ofBytes(0x00091011, VR.OB, new byte[zeros]));
    TransferSyntax named = new TransferSyntax(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.uid(), "plain",
        true, false, false, false, null);
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    new P10Writer().write(ds, named, BulkDataSource.none(), plain);
    byte[] bytes = plain.toByteArray();
    int metaLength = bytes[140] & 0xFF | (bytes[141] & 0xFF) << 8;
    int start = 132 + 12 + metaLength;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, start);
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION, true))) {
      d.write(bytes, start, bytes.length - start);
    }
    return out.toByteArray();
  }

  private static DicomElement text(int tag, VR vr, String value) {
    byte[] b = value.getBytes(StandardCharsets.US_ASCII);
    if (b.length % 2 == 1) {
      b = java.util.Arrays.copyOf(b, b.length + 1);
      b[b.length - 1] = (byte) (vr == VR.UI ? 0 : ' ');
    }
    return DicomElement.ofBytes(tag, vr, b);
  }
}
