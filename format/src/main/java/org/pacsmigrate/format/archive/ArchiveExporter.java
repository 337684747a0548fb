package org.pacsmigrate.format.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementPath;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * Regenerates Part 10 files from a study archive alone: each instance's metadata, its frames and its bulk data
 * become one file, semantically equivalent to the source (same attributes and values, frames byte for byte).
 * Native data is written as Explicit VR Little Endian (big endian frames and bulk data are swapped by their VR's
 * unit on the way); encapsulated frames keep their syntax, one fragment per frame with a Basic Offset Table.
 */
public final class ArchiveExporter {

  /** What {@link #exportEach} did: the files written, and one line per instance that could not be. */
  public record Result(List<Path> written, List<String> failures) {}

  /**
   * Writes {@code {SOPInstanceUID}.dcm} for every instance, or only {@code sopUid} when it is not null; fails on
   * the first instance that cannot be exported.
   */
  public List<Path> export(StudyArchive archive, String sopUid, Path outDir) throws IOException {
    Result result = exportEach(archive, sopUid, outDir);
    if (!result.failures().isEmpty()) {
      throw new IOException(result.failures().get(0));
    }
    return result.written();
  }

  /**
   * As {@link #export(StudyArchive, String, Path)}, but an instance that cannot be exported (any exception) is
   * reported in the result, its partial file removed, and the others are still written.
   */
  public Result exportEach(StudyArchive archive, String sopUid, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    List<Path> written = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    boolean found = false;
    for (ArchivedInstance instance : ArchivedInstance.all(archive)) {
      if (sopUid != null && !sopUid.equals(instance.sopUid())) {
        continue;
      }
      found = true;
      Path target = null;
      try {
        target = outDir.resolve(Uids.requireValid(instance.sopUid(), "SOP Instance UID") + ".dcm");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target))) {
          export(archive, instance, out);
        }
        written.add(target);
      } catch (IOException | RuntimeException e) {
        failures.add("instance " + Uids.show(instance.sopUid()) + " of study " + archive.studyUid()
            + " cannot be exported: " + ArchiveVerifier.describe(e));
        if (target != null) {
          try {
            Files.deleteIfExists(target);
          } catch (IOException suppressed) {
            failures.add("  and its partial file " + target + " cannot be removed: " + suppressed.getMessage());
          }
        }
      }
    }
    if (sopUid != null && !found) {
      throw new IOException("study " + archive.studyUid() + " has no instance " + sopUid);
    }
    return new Result(written, failures);
  }

  /** Writes one instance as Part 10 to {@code out} (not closed). */
  public void export(StudyArchive archive, ArchivedInstance instance, OutputStream out) throws IOException {
    DataSet ds = instance.dataSet();
    TransferSyntax source = TransferSyntax.forUid(instance.transferSyntaxUid());
    ds.remove(Tag.AvailableTransferSyntaxUID);
    PixelFrames pixels = PixelFrames.of(archive, instance, ds);
    TransferSyntax target = pixels != null && pixels.encapsulated() ? TransferSyntax.forUid(source.uid())
        : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
    if (pixels != null) {
      ds.put(pixels.element());
    }
    BulkDataSource values = (path, vr, range, sink) -> {
      if (pixels != null && path.depth() == 0 && path.tag() == pixels.tag()) {
        pixels.copy(vr, range, sink);
      } else {
        try (Multipart.Part part = archive.bulkData(instance.uriOf(path))) {
          copyPart(part, vr, sink);
        }
      }
    };
    new P10Writer().write(ds, target, values, out);
  }

  /** Copies a part's body, swapping to little endian when the part is labelled big endian. */
  static void copyPart(Multipart.Part part, VR vr, OutputStream out) throws IOException {
    try (InputStream in = part.body()) {
      boolean swap = ArchiveLayout.NATIVE_BIG_ENDIAN.equals(part.transferSyntax()) && vr.unitSize() > 1;
      copy(in, out, swap ? vr.unitSize() : 1, Long.MAX_VALUE);
    }
  }

  /** Copies at most {@code limit} bytes, reversing each run of {@code unit} bytes. */
  static long copy(InputStream in, OutputStream out, int unit, long limit) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    int carry = 0;
    while (total < limit) {
      int n = in.read(buf, carry, (int) Math.min(buf.length - carry, limit - total));
      if (n < 0) {
        break;
      }
      int have = carry + n;
      int whole = have - have % unit;
      if (unit > 1) {
        for (int i = 0; i < whole; i += unit) {
          for (int j = 0; j < unit / 2; j++) {
            byte t = buf[i + j];
            buf[i + j] = buf[i + unit - 1 - j];
            buf[i + unit - 1 - j] = t;
          }
        }
      }
      out.write(buf, 0, whole);
      carry = have - whole;
      System.arraycopy(buf, whole, buf, 0, carry);
      total += n;
    }
    out.write(buf, 0, carry);
    return total;
  }

  /** The exported Pixel Data: its element (with virtual ranges) and how to fill those ranges from frames. */
  record PixelFrames(StudyArchive archive, ArchivedInstance instance, int tag, boolean encapsulated,
      DicomElement element, long[] frameStarts, long[] frameLengths, boolean[] dropFirstByte, boolean bigEndian) {

    static PixelFrames of(StudyArchive archive, ArchivedInstance instance, DataSet ds) throws IOException {
      int tag = -1;
      for (int t : new int[] {Tag.PixelData, Tag.FloatPixelData, Tag.DoubleFloatPixelData}) {
        if (ds.contains(t)) {
          tag = t;
        }
      }
      int count = archive.frameCount(instance.seriesUid(), instance.sopUid());
      if (tag < 0 || count == 0) {
        return null;
      }
      VR vr = ds.get(tag).vr();
      long[] lengths = new long[count];
      boolean encapsulated = false;
      boolean bigEndian = false;
      for (int i = 0; i < count; i++) {
        Multipart.Part part = archive.frame(instance.seriesUid(), instance.sopUid(), i + 1);
        part.close();
        lengths[i] = part.length();
        encapsulated = !part.mediaType().equals("application/octet-stream")
            || !ArchiveLayout.NATIVE_LITTLE_ENDIAN.equals(part.transferSyntax())
            && !ArchiveLayout.NATIVE_BIG_ENDIAN.equals(part.transferSyntax());
        bigEndian = ArchiveLayout.NATIVE_BIG_ENDIAN.equals(part.transferSyntax());
      }
      long[] starts = new long[count];
      boolean[] drop = new boolean[count];
      if (encapsulated) {
        List<BulkData> fragments = new ArrayList<>();
        byte[] table = new byte[count * 4];
        long offset = 0;
        long itemOffset = 0;
        boolean tableFits = true;
        for (int i = 0; i < count; i++) {
          starts[i] = offset;
          fragments.add(new BulkData(offset, lengths[i]));
          tableFits &= itemOffset <= 0xFFFFFFFFL;
          for (int b = 0; b < 4; b++) {
            table[i * 4 + b] = (byte) (itemOffset >>> (8 * b));
          }
          offset += lengths[i];
          itemOffset += 8 + lengths[i];
        }
        // Offsets past 4 GiB do not fit the table; one fragment per frame still identifies the frames.
        byte[] bot = tableFits ? table : new byte[0];
        return new PixelFrames(archive, instance, tag, true, DicomElement.ofFragments(tag, VR.OB, bot, fragments),
            starts, lengths, drop, false);
      }
      long frameBits = frameBits(ds);
      long total = 0;
      for (int i = 0; i < count; i++) {
        // With Bits Allocated 1 a frame that starts inside a byte shares it with the previous frame.
        drop[i] = i > 0 && frameBits > 0 && (frameBits * i) % 8 != 0;
        starts[i] = total;
        total += lengths[i] - (drop[i] ? 1 : 0);
      }
      return new PixelFrames(archive, instance, tag, false, DicomElement.ofBulk(tag, vr, new BulkData(0, total)),
          starts, lengths, drop, bigEndian);
    }

    private static long frameBits(DataSet ds) {
      long rows = ds.integer(Tag.Rows, -1);
      long columns = ds.integer(Tag.Columns, -1);
      long samples = ds.integer(Tag.SamplesPerPixel, 1);
      long bits = ds.integer(Tag.BitsAllocated, -1);
      if (rows < 1 || columns < 1 || bits < 1) {
        return -1;
      }
      String photometric = ds.asciiString(Tag.PhotometricInterpretation);
      if (samples == 3 && ("YBR_FULL_422".equals(photometric) || "YBR_PARTIAL_422".equals(photometric))) {
        samples = 2;
      }
      return rows * columns * samples * bits;
    }

    void copy(VR vr, BulkData range, OutputStream out) throws IOException {
      if (encapsulated) {
        int frame = java.util.Arrays.binarySearch(frameStarts, range.offset());
        if (frame < 0) {
          throw new IOException("no frame starts at virtual offset " + range.offset());
        }
        try (InputStream in = archive.frame(instance.seriesUid(), instance.sopUid(), frame + 1).body()) {
          ArchiveExporter.copy(in, out, 1, Long.MAX_VALUE);
        }
        return;
      }
      int unit = bigEndian && vr.unitSize() > 1 ? vr.unitSize() : 1;
      for (int i = 0; i < frameLengths.length; i++) {
        try (InputStream in = archive.frame(instance.seriesUid(), instance.sopUid(), i + 1).body()) {
          if (dropFirstByte[i] && in.read() < 0) {
            throw new IOException("frame " + (i + 1) + " is empty");
          }
          ArchiveExporter.copy(in, out, unit, Long.MAX_VALUE);
        }
      }
    }
  }
}
