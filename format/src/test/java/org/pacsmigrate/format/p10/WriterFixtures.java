package org.pacsmigrate.format.p10;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/** Data sets, a bulk data source and a comparable dump shared by the writer tests. */
final class WriterFixtures {
  private WriterFixtures() {}

  static final String SOP_CLASS = "1.2.840.10008.5.1.4.1.1.7"; // odd length: padded with a NUL
  static final String SOP_INSTANCE = "2.25.329800735698586629295641978511506172918";
  static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
  static final int PRIVATE_CREATOR = 0x00090010;
  static final int PRIVATE_SQ = 0x00091016;

  /** A source "file" built by the test; copies in small chunks, as a real stream would, and records requests. */
  static final class FakeSource implements BulkDataSource {
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private byte[] frozen;
    final List<String> requests = new ArrayList<>();

    BulkData add(byte[] value) {
      data.write(13); // values never start at 0, so an offset mix-up shows
      long offset = data.size();
      data.writeBytes(value);
      frozen = null;
      return new BulkData(offset, value.length);
    }

    byte[] bytes(BulkData range) {
      if (frozen == null) {
        frozen = data.toByteArray();
      }
      return Arrays.copyOfRange(frozen, (int) range.offset(), (int) range.end());
    }

    @Override
    public void copy(ElementPath path, VR vr, BulkData range, OutputStream out) throws IOException {
      requests.add(path + " " + vr);
      byte[] value = bytes(range);
      for (int off = 0; off < value.length; off += 1000) {
        out.write(value, off, Math.min(1000, value.length - off));
      }
    }
  }

  static DicomElement text(int tag, VR vr, String value) {
    return DicomElement.ofBytes(tag, vr, value.getBytes(StandardCharsets.ISO_8859_1));
  }

  static DicomElement bin(int tag, VR vr, int... bytes) {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    return DicomElement.ofBytes(tag, vr, b);
  }

  static byte[] le(int unit, long... values) {
    ByteBuffer b = ByteBuffer.allocate(unit * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (unit) {
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return b.array();
  }

  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed + (i >>> 8));
    }
    return b;
  }

  static DataSet item(DicomElement... elements) {
    DataSet d = new DataSet();
    for (DicomElement e : elements) {
      d.put(e);
    }
    return d;
  }

  /** Patient, study and image pixel attributes, enough for dcmtk to see an image. */
  static DataSet baseDataSet() {
    return item(
        text(0x00080005, VR.CS, "ISO_IR 100"),
        text(Tag.SOPClassUID, VR.UI, SOP_CLASS),
        text(Tag.SOPInstanceUID, VR.UI, SOP_INSTANCE),
        text(0x00080020, VR.DA, "20240131"),
        text(0x00080030, VR.TM, "101010.123"),
        text(0x00080060, VR.CS, "OT"),
        text(0x00080064, VR.CS, "WSD"),
        text(0x00080090, VR.PN, ""),
        text(0x00100010, VR.PN, "Doe^Jane"),
        text(0x00100020, VR.LO, "PID-17"),
        text(0x00100030, VR.DA, ""),
        text(0x00100040, VR.CS, "F"),
        text(0x0020000D, VR.UI, "2.25.1"),
        text(0x0020000E, VR.UI, "2.25.22"),
        text(0x00200013, VR.IS, "7"),
        bin(Tag.SamplesPerPixel, VR.US, 1, 0),
        text(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2"),
        bin(Tag.Rows, VR.US, 16, 0),
        bin(Tag.Columns, VR.US, 16, 0),
        bin(Tag.BitsAllocated, VR.US, 16, 0),
        bin(0x00280101, VR.US, 16, 0),
        bin(0x00280102, VR.US, 15, 0),
        bin(Tag.PixelRepresentation, VR.US, 0, 0));
  }

  /**
   * Every VR with an odd or multi-valued value in a private block, every VR empty in a second one, group
   * lengths, four levels of sequences (with an empty sequence and an empty item), long values that force UN,
   * bulk values (also inside an item) and native pixel data from {@code source}.
   */
  static DataSet everything(FakeSource source) {
    DataSet d = baseDataSet();
    d.put(bin(0x00080000, VR.UL, 0, 1, 0, 0));
    d.put(text(0x00080008, VR.CS, "ORIGINAL\\PRIMARY"));
    d.put(text(0x0008002A, VR.DT, "20240131101010.123456"));
    d.put(text(0x00080201, VR.SH, "+0100"));
    d.put(text(0x00101010, VR.AS, "042Y"));
    d.put(text(0x00101020, VR.DS, "1.75"));
    d.put(text(0x00104000, VR.LT, "line one\r\nline two"));
    d.put(text(PRIVATE_CREATOR, VR.LO, "PACSMIGRATE TEST"));
    d.put(text(0x00090011, VR.LO, "OTHER CREATOR"));
    d.put(text(0x00091001, VR.AE, "STORESCP"));
    d.put(text(0x00091002, VR.AS, "003D"));
    d.put(bin(0x00091003, VR.AT, 0x10, 0, 0x10, 0, 0x20, 0, 0x0D, 0));
    d.put(text(0x00091004, VR.CS, "A\\BC"));
    d.put(text(0x00091005, VR.DA, "19991231"));
    d.put(text(0x00091006, VR.DS, "-1.5E3\\2"));
    d.put(text(0x00091007, VR.DT, "2024"));
    d.put(DicomElement.ofBytes(0x00091008, VR.FD, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putDouble(Math.PI).putDouble(-0.0).array()));
    d.put(DicomElement.ofBytes(0x00091009, VR.FL,
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).array()));
    d.put(text(0x0009100A, VR.IS, "-12\\34"));
    d.put(text(0x0009100B, VR.LO, "long string"));
    d.put(text(0x0009100C, VR.LT, "a\\b is one value"));
    d.put(bin(0x0009100D, VR.OB, 1, 2, 3, 4, 5));
    d.put(DicomElement.ofBytes(0x0009100E, VR.OD, le(8, Double.doubleToLongBits(2.5), 7)));
    d.put(DicomElement.ofBytes(0x0009100F, VR.OF, le(4, Float.floatToIntBits(0.25f), 9)));
    d.put(DicomElement.ofBytes(0x00091010, VR.OL, le(4, 0xDEADBEEFL, 1)));
    d.put(DicomElement.ofBytes(0x00091011, VR.OV, le(8, -1L, 1L << 40)));
    d.put(DicomElement.ofBytes(0x00091012, VR.OW, le(2, 0x1234, 0xFFFF, 0)));
    d.put(text(0x00091013, VR.PN, "A^B=C^D"));
    d.put(text(0x00091014, VR.SH, "short"));
    d.put(DicomElement.ofBytes(0x00091015, VR.SL, le(4, -5, 70000)));
    d.put(DicomElement.ofItems(PRIVATE_SQ, List.of(
        item(text(0x00091001, VR.AE, "NESTED"), DicomElement.ofBulk(0x00091040, VR.OB,
            source.add(pattern(301, 5)))),
        new DataSet())));
    d.put(DicomElement.ofBytes(0x00091017, VR.SS, le(2, -2, 3)));
    d.put(text(0x00091018, VR.ST, "short text"));
    d.put(DicomElement.ofBytes(0x00091019, VR.SV, le(8, Long.MIN_VALUE)));
    d.put(text(0x0009101A, VR.TM, "2359"));
    d.put(text(0x0009101B, VR.UC, "unlimited chars"));
    d.put(text(0x0009101C, VR.UI, "1.2.3"));
    d.put(DicomElement.ofBytes(0x0009101D, VR.UL, le(4, 0xFFFFFFFFL)));
    d.put(bin(0x0009101E, VR.UN, 9, 8, 7));
    d.put(text(0x0009101F, VR.UR, "http://example.com/x"));
    d.put(DicomElement.ofBytes(0x00091020, VR.US, le(2, 65535, 1)));
    d.put(text(0x00091021, VR.UT, "unlimited text"));
    d.put(DicomElement.ofBytes(0x00091022, VR.UV, le(8, -1L)));
    d.put(text(0x00091100, VR.LO, "second block"));
    // Long values: the VRs with a 16-bit length fall back to UN; 0xFFFE still fits.
    d.put(text(0x00091030, VR.LT, "x".repeat(70001)));
    d.put(DicomElement.ofBytes(0x00091031, VR.US, new byte[0x10000]));
    d.put(DicomElement.ofBytes(0x00091032, VR.OB, pattern(70000, 1)));
    d.put(text(0x00091033, VR.LT, "y".repeat(0xFFFE)));
    d.put(text(0x00091034, VR.LT, "z".repeat(0xFFFF)));
    d.put(DicomElement.ofBulk(0x00091041, VR.OB, source.add(pattern(1001, 2))));
    d.put(DicomElement.ofBulk(0x00091042, VR.LO, source.add("w".repeat(70000).getBytes(StandardCharsets.US_ASCII))));
    d.put(text(0x00110010, VR.LO, "PACSMIGRATE EMPTY"));
    int e = 0x00111000;
    for (VR vr : VR.values()) {
      d.put(vr == VR.SQ ? DicomElement.ofItems(e++, List.of()) : DicomElement.ofBytes(e++, vr, new byte[0]));
    }
    d.put(DicomElement.ofItems(0x00081115, List.of(nestedSeriesItem(), item(text(0x0020000E, VR.UI, "2.25.3")))));
    d.put(DicomElement.ofBulk(Tag.PixelData, VR.OW, source.add(pattern(16 * 16 * 2, 3))));
    return d;
  }

  /** Levels 2 to 4, with group lengths inside items. */
  private static DataSet nestedSeriesItem() {
    DataSet level4 = item(text(0x00091001, VR.AE, "DEEPEST"), text(0x00100010, VR.PN, "Deep^Name"));
    DataSet level3 = item(bin(0x00090000, VR.UL, 0, 0, 0, 0), text(PRIVATE_CREATOR, VR.LO, "PACSMIGRATE TEST"),
        DicomElement.ofItems(PRIVATE_SQ, List.of(level4, new DataSet(), level4)));
    DataSet level2 = item(bin(0x00080000, VR.UL, 8, 0, 0, 0), text(0x00081150, VR.UI, SOP_CLASS),
        text(0x00081155, VR.UI, "2.25.4"), text(PRIVATE_CREATOR, VR.LO, "PACSMIGRATE TEST"),
        DicomElement.ofItems(PRIVATE_SQ, List.of(level3)));
    return item(text(0x0020000E, VR.UI, "2.25.2"), DicomElement.ofItems(0x00081140, List.of(level2)),
        DicomElement.ofItems(0x00081199, List.of()));
  }

  /** Two frames in three even fragments, with a Basic Offset Table pointing at fragments 0 and 2. */
  static DataSet encapsulated(FakeSource source) {
    DataSet d = baseDataSet();
    d.put(text(Tag.NumberOfFrames, VR.IS, "2"));
    List<BulkData> fragments = List.of(source.add(pattern(100, 7)), source.add(pattern(60, 8)),
        source.add(pattern(200, 9)));
    d.put(DicomElement.ofFragments(Tag.PixelData, VR.OB, le(4, 0, 8 + 100 + 8 + 60), fragments));
    return d;
  }

  static Path write(Path dir, String name, DataSet meta, DataSet dataSet, TransferSyntax syntax,
      BulkDataSource source) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      new P10Writer().write(meta, dataSet, syntax, source, out);
    }
    return file;
  }

  /**
   * One line per element, item and fragment, with its path, VR and value (hex, or length and digest when
   * long), so a mismatch shows where it is. Bulk values are resolved with {@code bulk}.
   */
  static List<String> dump(DataSet dataSet, Function<BulkData, byte[]> bulk) {
    List<String> lines = new ArrayList<>();
    dump(dataSet, "", bulk, lines);
    return lines;
  }

  private static void dump(DataSet dataSet, String prefix, Function<BulkData, byte[]> bulk, List<String> lines) {
    for (DicomElement e : dataSet.elements()) {
      String path = prefix + Tag.toHex(e.tag());
      if (e.isSequence()) {
        lines.add(path + " SQ " + e.items().size() + " items");
        for (int i = 0; i < e.items().size(); i++) {
          lines.add(path + "/" + i + " item");
          dump(e.items().get(i), path + "/" + i + "/", bulk, lines);
        }
      } else if (e.isEncapsulated()) {
        lines.add(path + " " + e.vr() + " offsets " + show(e.basicOffsetTable()));
        for (int i = 0; i < e.fragments().size(); i++) {
          lines.add(path + "#" + i + " " + show(bulk.apply(e.fragments().get(i))));
        }
      } else {
        lines.add(path + " " + e.vr() + " " + show(e.hasBytes() ? e.bytes() : bulk.apply(e.bulk())));
      }
    }
  }

  private static String show(byte[] value) {
    if (value.length <= 64) {
      return HexFormat.of().formatHex(value);
    }
    try {
      return value.length + " bytes sha256 "
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * What the writer promises for {@code dataSet}, spelled out independently of it: group lengths dropped,
   * values padded to even with their VR's padding byte, UN for long values of 16-bit length VRs,
   * encapsulated pixel data as OB (fragments here are even, so the offset table is unchanged).
   */
  static DataSet expected(DataSet dataSet, FakeSource source) {
    DataSet out = new DataSet();
    for (DicomElement e : dataSet.elements()) {
      if (Tag.element(e.tag()) == 0) {
        continue;
      }
      if (e.isSequence()) {
        out.put(DicomElement.ofItems(e.tag(), e.items().stream().map(i -> expected(i, source)).toList()));
      } else if (e.isEncapsulated()) {
        out.put(DicomElement.ofFragments(e.tag(), VR.OB, e.basicOffsetTable(), e.fragments()));
      } else {
        byte[] value = e.hasBytes() ? e.bytes() : source.bytes(e.bulk());
        byte[] padded = Arrays.copyOf(value, value.length + (value.length & 1));
        if ((value.length & 1) == 1) {
          padded[value.length] = (byte) e.vr().paddingByte();
        }
        boolean un = padded.length > 0xFFFF && !e.vr().hasLongExplicitHeader();
        out.put(DicomElement.ofBytes(e.tag(), un ? VR.UN : e.vr(), padded));
      }
    }
    return out;
  }

  /** Fragments are resolved against the source: expected() keeps the source's ranges. */
  static List<String> expectedDump(DataSet dataSet, FakeSource source) {
    return dump(expected(dataSet, source), source::bytes);
  }

  static Function<BulkData, byte[]> fileBytes(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    return r -> Arrays.copyOfRange(all, (int) r.offset(), (int) r.end());
  }
}
