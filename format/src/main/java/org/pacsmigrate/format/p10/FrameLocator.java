package org.pacsmigrate.format.p10;

import java.util.ArrayList;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;

/**
 * Finds each frame's bytes in the source without reading pixel data.
 *
 * <p>Native: frame size from Rows x Columns x Samples per Pixel x Bits Allocated (YBR_FULL_422 and
 * YBR_PARTIAL_422 hold two samples per pixel, PS3.3 C.7.6.3.1.2). With Bits Allocated 1 a frame need not end
 * on a byte boundary; each frame then gets the bytes that hold its bits and {@link Frame#firstBit()} says where
 * it starts, so neighbouring frames may share a byte. Bits Allocated must be 1 or a multiple of 8 (PS3.5 8.1.1).
 * The Pixel Data must hold exactly the bytes the frames need, plus the one padding byte that makes an odd
 * length even (PS3.5 7.1.1): shorter is an error, and so is longer, since the archive keeps frames, not the
 * element, and bytes past the last frame would be lost (the geometry is wrong: an empty Number of Frames, Rows
 * that do not match the data...; no rule recovers it safely, so the file is refused with the figures). Pixel
 * Data with no geometry at all (not an image) is one frame, kept whole.
 *
 * <p>Encapsulated: by the Extended Offset Table, else the Basic Offset Table, else one fragment per frame, else
 * (a single frame) all fragments. Anything else is ambiguous and an error: guessing frame boundaries would risk
 * serving the wrong pixels.
 */
public final class FrameLocator {
  private FrameLocator() {}

  /** The frames of the file's top-level Pixel Data; empty when it has none. */
  public static List<Frame> locate(DicomFile file) throws DicomParseException {
    DataSet ds = file.dataSet();
    DicomElement pixels = ds.get(Tag.PixelData);
    if (pixels == null) {
      pixels = ds.get(Tag.FloatPixelData);
    }
    if (pixels == null) {
      pixels = ds.get(Tag.DoubleFloatPixelData);
    }
    if (pixels == null) {
      return List.of();
    }
    int frames = numberOfFrames(file);
    if (pixels.isEncapsulated()) {
      return encapsulated(file, pixels, frames);
    }
    if (!pixels.isBulk()) {
      throw new DicomParseException(file.source(), -1, "Pixel Data is neither in the file nor encapsulated");
    }
    return nativeFrames(file, pixels.bulk(), frames);
  }

  private static int numberOfFrames(DicomFile file) throws DicomParseException {
    DataSet ds = file.dataSet();
    if (!ds.contains(Tag.NumberOfFrames) || ds.asciiString(Tag.NumberOfFrames) == null) {
      return 1;
    }
    long n = ds.integer(Tag.NumberOfFrames, -1);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new DicomParseException(file.source(), -1,
          "Number of Frames (0028,0008) is not a positive integer, so frames cannot be located");
    }
    return (int) n;
  }

  private static List<Frame> nativeFrames(DicomFile file, BulkData pixels, int frames) throws DicomParseException {
    DataSet ds = file.dataSet();
    long rows = ds.integer(Tag.Rows, -1);
    long columns = ds.integer(Tag.Columns, -1);
    long samples = ds.integer(Tag.SamplesPerPixel, 1);
    long bits = ds.integer(Tag.BitsAllocated, -1);
    if (rows < 1 && columns < 1 && bits < 1 && frames == 1) {
      // Pixel Data without any image geometry is not an image; keeping it whole as one frame loses nothing.
      return List.of(new Frame(1, List.of(pixels), 0));
    }
    if (rows < 1 || columns < 1 || samples < 1 || bits < 1) {
      throw new DicomParseException(file.source(), pixels.offset(),
          "native Pixel Data without valid Rows, Columns, Samples per Pixel and Bits Allocated");
    }
    if (bits != 1 && bits % 8 != 0) {
      throw new DicomParseException(file.source(), pixels.offset(), "Bits Allocated (0028,0100) is " + bits
          + ", not 1 or a multiple of 8");
    }
    if (rows > 0xFFFF || columns > 0xFFFF || samples > 0xFFFF || bits > 64) {
      throw new DicomParseException(file.source(), pixels.offset(), "Rows, Columns, Samples per Pixel or Bits "
          + "Allocated out of range (" + rows + "x" + columns + "x" + samples + "x" + bits + ")");
    }
    String photometric = ds.asciiString(Tag.PhotometricInterpretation);
    if (samples == 3 && ("YBR_FULL_422".equals(photometric) || "YBR_PARTIAL_422".equals(photometric))) {
      samples = 2;
    }
    long frameBits = rows * columns * samples * bits;
    long neededBytes = (frameBits * frames + 7) / 8;
    // One padding byte makes an odd length even; nothing else may follow the last frame.
    long allowed = neededBytes + (neededBytes & 1);
    if (pixels.length() < neededBytes || pixels.length() > allowed) {
      throw new DicomParseException(file.source(), pixels.offset(), "Pixel Data holds " + pixels.length()
          + " bytes but " + frames + " frame(s) of " + rows + "x" + columns + "x" + samples + "x" + bits
          + " bits (Rows x Columns x Samples per Pixel x Bits Allocated) need " + neededBytes
          + (allowed > neededBytes ? " (" + allowed + " with the padding byte)" : "")
          + (pixels.length() > allowed ? ": the geometry does not describe all the pixel bytes" : ""));
    }
    List<Frame> result = new ArrayList<>(frames);
    for (int i = 0; i < frames; i++) {
      long startBit = frameBits * i;
      long endBit = startBit + frameBits;
      long start = startBit / 8;
      long end = (endBit + 7) / 8;
      result.add(new Frame(i + 1, List.of(new BulkData(pixels.offset() + start, end - start)),
          (int) (startBit % 8)));
    }
    return result;
  }

  private static List<Frame> encapsulated(DicomFile file, DicomElement pixels, int frames)
      throws DicomParseException {
    List<BulkData> fragments = pixels.fragments();
    if (fragments.isEmpty()) {
      throw new DicomParseException(file.source(), -1, "encapsulated Pixel Data has no fragments");
    }
    if (frames == 1) {
      return List.of(new Frame(1, fragments, 0));
    }
    long[] offsets = extendedOffsets(file);
    if (offsets == null) {
      offsets = basicOffsets(pixels.basicOffsetTable());
    }
    if (offsets != null) {
      return byOffsets(file, fragments, offsets, frames);
    }
    if (fragments.size() == frames) {
      List<Frame> result = new ArrayList<>(frames);
      for (int i = 0; i < frames; i++) {
        result.add(new Frame(i + 1, List.of(fragments.get(i)), 0));
      }
      return result;
    }
    throw new DicomParseException(file.source(), fragments.get(0).offset(), frames + " frames in "
        + fragments.size() + " fragments and no offset table: frame boundaries are ambiguous");
  }

  private static long[] extendedOffsets(DicomFile file) {
    DicomElement eot = file.dataSet().get(Tag.ExtendedOffsetTable);
    if (eot == null || !eot.hasBytes() || eot.bytes().length < 8) {
      return null;
    }
    byte[] b = eot.bytes();
    long[] offsets = new long[b.length / 8];
    for (int i = 0; i < offsets.length; i++) {
      long v = 0;
      for (int j = 7; j >= 0; j--) {
        v = v << 8 | (b[i * 8 + j] & 0xFF);
      }
      offsets[i] = v;
    }
    return offsets;
  }

  private static long[] basicOffsets(byte[] table) {
    if (table.length < 4) {
      return null;
    }
    long[] offsets = new long[table.length / 4];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = P10Reader.u32le(table, i * 4);
    }
    return offsets;
  }

  /** Offsets count from the first byte of the first fragment's item tag (PS3.5 A.4). */
  private static List<Frame> byOffsets(DicomFile file, List<BulkData> fragments, long[] offsets, int frames)
      throws DicomParseException {
    if (offsets.length != frames) {
      throw new DicomParseException(file.source(), fragments.get(0).offset(), "offset table lists "
          + offsets.length + " frames, Number of Frames says " + frames);
    }
    long[] itemStarts = new long[fragments.size()];
    long base = fragments.get(0).offset() - 8;
    for (int i = 0; i < itemStarts.length; i++) {
      itemStarts[i] = fragments.get(i).offset() - 8 - base;
    }
    List<Frame> result = new ArrayList<>(frames);
    int f = 0;
    for (int i = 0; i < frames; i++) {
      long start = offsets[i];
      long next = i + 1 < frames ? offsets[i + 1] : Long.MAX_VALUE;
      if (f >= itemStarts.length || itemStarts[f] != start || next <= start) {
        throw new DicomParseException(file.source(), fragments.get(0).offset(), "offset table entry "
            + (i + 1) + " (" + start + ") does not start a fragment in order");
      }
      List<BulkData> ranges = new ArrayList<>();
      while (f < itemStarts.length && itemStarts[f] < next) {
        ranges.add(fragments.get(f++));
      }
      result.add(new Frame(i + 1, ranges, 0));
    }
    return result;
  }
}
