package org.pacsmigrate.format.p10;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.ElementDictionary;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/**
 * Reads the header of a DICOM Part 10 file (PS3.10 7.1) or of a bare data set, leaving pixel data and other
 * large binary values in the file: their offsets and lengths are recorded so a later step copies them
 * straight from the source. Memory is proportional to the header, not the file.
 *
 * <p>Every length is checked against the bytes left before anything is allocated or skipped; every loop
 * consumes input; nesting is bounded. Anything that does not hold is a {@link DicomParseException} naming the
 * source, the offset and the reason.
 */
public final class P10Reader {
  /** Binary values (OB, OW, OF, OD, OL, OV, UN) longer than this stay in the file by default. */
  public static final int DEFAULT_BULK_THRESHOLD = 1024;
  /**
   * A deflated data set may inflate to at most this many times its deflated size (and always to 1 MiB) by
   * default. Deflate reaches about 1000:1 on runs of one byte, which real data sets do not hold; reports and
   * images compress 2:1 to 20:1.
   */
  public static final int DEFAULT_MAX_INFLATION_RATIO = 200;
  /** No limit on inflation: for files a limited read has already accepted (verification). */
  public static final int NO_INFLATION_LIMIT = Integer.MAX_VALUE;

  private static final int MAX_DEPTH = 64;
  private static final long UNDEFINED = 0xFFFFFFFFL;
  private static final byte[] DICM = {'D', 'I', 'C', 'M'};

  private final int bulkThreshold;
  private final int maxInflationRatio;

  public P10Reader() {
    this(DEFAULT_BULK_THRESHOLD);
  }

  public P10Reader(int bulkThreshold) {
    this(bulkThreshold, DEFAULT_MAX_INFLATION_RATIO);
  }

  /**
   * @param maxInflationRatio a deflated data set that inflates to more than this many times its deflated size
   *     (and more than 1 MiB) is refused with a {@link DicomParseException}
   */
  public P10Reader(int bulkThreshold, int maxInflationRatio) {
    if (bulkThreshold < 0) {
      throw new IllegalArgumentException("bulkThreshold must be >= 0");
    }
    if (maxInflationRatio < 1) {
      throw new IllegalArgumentException("maxInflationRatio must be >= 1");
    }
    this.bulkThreshold = bulkThreshold;
    this.maxInflationRatio = maxInflationRatio;
  }

  public DicomFile read(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      return read(path.toString(), channel);
    }
  }

  /** Reads from the channel's start; {@code source} names the file in errors and in the result. */
  public DicomFile read(String source, SeekableByteChannel channel) throws IOException {
    channel.position(0);
    return new Parse(source, channel, bulkThreshold, maxInflationRatio).run();
  }

  /** One read of one file: the state that follows the transfer syntax through the data set. */
  private static final class Parse {
    private final String source;
    private final SeekableByteChannel channel;
    private final int bulkThreshold;
    private final int maxInflationRatio;
    private final ElementDictionary dictionary = ElementDictionary.standard();
    private final List<String> warnings = new ArrayList<>();
    private DicomInput in;
    private boolean explicit;
    private boolean bigEndian;

    Parse(String source, SeekableByteChannel channel, int bulkThreshold, int maxInflationRatio) {
      this.source = source;
      this.channel = channel;
      this.bulkThreshold = bulkThreshold;
      this.maxInflationRatio = maxInflationRatio;
    }

    DicomFile run() throws IOException {
      in = DicomInput.of(channel);
      long size = in.remaining();
      byte[] head = new byte[132];
      int n = in.readAvailable(head, 0, head.length);
      boolean preamble = n == 132 && matches(head, 128, DICM);
      DataSet meta = new DataSet();
      if (preamble) {
        readFileMeta(meta);
      } else {
        in.seek(0);
        if (n < 8) {
          throw error(0, "too short to be DICOM (" + n + " bytes)");
        }
        if (u16le(head, 0) == 0x0002 && VR.fromCode(head[4], head[5]) != null) {
          warnings.add("no preamble: file meta starts at offset 0");
          readFileMeta(meta);
        }
      }
      long dataSetOffset = in.position();
      TransferSyntax ts = chooseTransferSyntax(meta, dataSetOffset);
      explicit = ts.explicitVr();
      bigEndian = ts.bigEndian();
      DataSet dataSet = new DataSet();
      if (ts.deflated()) {
        channel.position(dataSetOffset);
        InputStream raw = Channels.newInputStream(channel);
        in = DicomInput.of(new InflationGuard(new InflaterInputStream(raw, new Inflater(true), 64 * 1024), source,
            size - dataSetOffset, maxInflationRatio));
      }
      try {
        readItems(dataSet, -1, 0);
      } catch (java.util.zip.ZipException e) {
        throw error(in.position(), "deflated data set is corrupt: " + e.getMessage(), e);
      } catch (java.io.EOFException e) {
        // Only a stream of unknown size (deflated) gets here: lengths are checked up front in files.
        throw error(in.position(), "truncated: the data set ends inside a value", e);
      }
      return new DicomFile(source, size, preamble, meta, dataSet, ts, dataSetOffset, warnings);
    }

    // --- File meta (PS3.10 7.1): always explicit VR little endian, read by group, not by its group length.

    private void readFileMeta(DataSet meta) throws IOException {
      explicit = true;
      bigEndian = false;
      byte[] b = new byte[6];
      long afterGroupLength = -1;
      while (true) {
        long start = in.position();
        int got = in.readAvailable(b, 0, 6);
        in.seek(start);
        if (got < 6 || u16le(b, 0) != 0x0002) {
          break;
        }
        // A meta group written in implicit VR is a known writer bug; read it as such rather than fail.
        explicit = VR.fromCode(b[4], b[5]) != null;
        readElement(meta, 0);
        if (u16le(b, 2) == 0x0000) {
          afterGroupLength = in.position();
        }
      }
      explicit = true;
      if (meta.isEmpty()) {
        throw error(in.position(), "preamble 'DICM' is not followed by a File Meta Information group");
      }
      // The group length is not used for parsing, since writers often get it wrong; a mismatch is only noted.
      long declared = meta.integer(Tag.FileMetaInformationGroupLength, -1);
      if (afterGroupLength >= 0 && declared != in.position() - afterGroupLength) {
        warnings.add("File Meta Information Group Length says " + declared + ", group holds "
            + (in.position() - afterGroupLength));
      }
    }

    private TransferSyntax chooseTransferSyntax(DataSet meta, long dataSetOffset) throws IOException {
      String uid = meta.asciiString(Tag.TransferSyntaxUID);
      TransferSyntax declared = uid == null || uid.isEmpty() ? null : TransferSyntax.forUid(uid);
      if (declared != null && declared.deflated()) {
        return declared;
      }
      byte[] b = new byte[8];
      int n = in.readAvailable(b, 0, 8);
      in.seek(dataSetOffset);
      if (n == 0) {
        if (declared != null) {
          return declared;
        }
        throw error(dataSetOffset, "no data set after the file meta");
      }
      if (n < 8) {
        throw error(dataSetOffset, "data set truncated: " + n + " bytes");
      }
      TransferSyntax guessed = guess(b, dataSetOffset);
      if (declared == null) {
        if (guessed == null) {
          throw error(dataSetOffset, meta.isEmpty()
              ? "not a DICOM file (no 'DICM' prefix and no recognisable data element)"
              : "no Transfer Syntax UID and the data set encoding is not recognisable");
        }
        if (!meta.isEmpty()) {
          warnings.add("no Transfer Syntax UID in file meta: data set read as " + guessed.name());
        }
        return guessed;
      }
      // Writers sometimes declare one VR encoding and use the other; trust the bytes, note the mismatch.
      if (guessed != null && guessed.bigEndian() == declared.bigEndian()
          && guessed.explicitVr() != declared.explicitVr()) {
        warnings.add("Transfer Syntax " + declared.uid() + " declared but data set is "
            + (guessed.explicitVr() ? "explicit" : "implicit") + " VR: read as found");
        // Keep the declared UID: for an encapsulated syntax it still says how the frames are compressed.
        return new TransferSyntax(declared.uid(), declared.name() + " (data set in "
            + (guessed.explicitVr() ? "explicit" : "implicit") + " VR)", guessed.explicitVr(), false,
            declared.deflated(), declared.encapsulated(), declared.mediaType());
      }
      return declared;
    }

    /** Guess the encoding of a data set from its first element header, the way established toolkits do. */
    private static TransferSyntax guess(byte[] b, long offset) {
      int groupLe = u16le(b, 0);
      int groupBe = u16be(b, 0);
      boolean vrPresent = VR.fromCode(b[4], b[5]) != null;
      boolean le = groupLe != 0 && (groupLe & 0xFF00) == 0;
      boolean be = groupBe != 0 && (groupBe & 0xFF00) == 0;
      if (le && !be) {
        if (vrPresent) {
          return TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        }
        long length = u32le(b, 4);
        return length < 0x10000000L || length == UNDEFINED ? TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN : null;
      }
      if (be && !le && vrPresent) {
        return TransferSyntax.EXPLICIT_VR_BIG_ENDIAN;
      }
      return null;
    }

    // --- Data sets, elements and sequences.

    /**
     * Reads elements into {@code target} until {@code end} (a defined length), or for {@code end == -1}
     * until an Item Delimitation Item (inside an item, depth > 0) or the end of input (top level).
     */
    private void readItems(DataSet target, long end, int depth) throws IOException {
      while (true) {
        long start = in.position();
        if (end >= 0) {
          if (start == end) {
            return;
          }
          if (start > end) {
            throw error(start, "element runs past the end of its item (ends at " + end + ")");
          }
        } else if (!in.hasMore()) {
          if (depth > 0) {
            throw error(start, "truncated: end of file inside an item of undefined length");
          }
          return;
        }
        if (depth == 0 && end < 0 && trailingZeros(start)) {
          return;
        }
        if (!readElement(target, depth)) {
          if (end >= 0) {
            throw error(start, "Item Delimitation Item inside an item of defined length");
          }
          if (depth == 0) {
            throw error(start, "Item Delimitation Item outside any item");
          }
          return;
        }
      }
    }

    /** Some writers pad files with a few zero bytes; fewer than a header's worth at the end is padding. */
    private boolean trailingZeros(long start) throws IOException {
      long left = in.remaining();
      if (left < 0 || left >= 8) {
        return false;
      }
      byte[] b = new byte[(int) left];
      in.readFully(b, 0, b.length);
      for (byte x : b) {
        if (x != 0) {
          throw error(start, "truncated: " + left + " bytes left, too few for an element header");
        }
      }
      warnings.add(left + " zero bytes of padding at end of file");
      return true;
    }

    /** Reads one element into target; false when it was an Item Delimitation Item. */
    private boolean readElement(DataSet target, int depth) throws IOException {
      long start = in.position();
      int tag = readTag(start);
      if (tag == Tag.ItemDelimitationItem) {
        readU32(start);
        return false;
      }
      if (tag == Tag.Item || tag == Tag.SequenceDelimitationItem) {
        throw error(start, String.format("unexpected %s outside a sequence",
            tag == Tag.Item ? "Item" : "Sequence Delimitation Item"));
      }
      VR vr;
      long length;
      if (explicit) {
        int b0 = readU8(start);
        int b1 = readU8(start);
        vr = VR.fromCode(b0, b1);
        if (vr == null) {
          throw error(start, String.format("%s has an invalid VR bytes 0x%02X 0x%02X", Tag.toString(tag), b0, b1));
        }
        if (vr.hasLongExplicitHeader()) {
          readU16(start);
          length = readU32(start);
        } else {
          length = readU16(start);
        }
      } else {
        vr = implicitVr(tag, target);
        length = readU32(start);
      }
      if (length == UNDEFINED) {
        readUndefinedLength(target, tag, vr, start, depth);
        return true;
      }
      if ((length & 1) == 1) {
        warnings.add("odd length " + length + " for " + Tag.toString(tag) + " at offset " + start);
      }
      long valueStart = in.position();
      checkAvailable(tag, length, valueStart);
      if (vr == VR.SQ) {
        target.put(DicomElement.ofItems(tag, readSequence(valueStart + length, depth + 1)));
        return true;
      }
      if (!explicit && vr == VR.UN && length >= 8 && looksLikeItem(valueStart)) {
        // Private sequences in implicit VR are only recognisable by their first item tag.
        List<DataSet> items = tryReadSequence(valueStart, length, depth + 1);
        if (items != null) {
          target.put(DicomElement.ofItems(tag, items));
          return true;
        }
      }
      if (Tag.isPixelData(tag) && depth == 0 || vr.kind() == VR.Kind.BULK && length > bulkThreshold) {
        in.skip(length);
        target.put(DicomElement.ofBulk(tag, vr, new BulkData(valueStart, length)));
        return true;
      }
      byte[] value = readValue(tag, length, valueStart);
      if (bigEndian && vr.unitSize() > 1) {
        swap(value, vr.unitSize());
      }
      target.put(DicomElement.ofBytes(tag, vr, value));
      return true;
    }

    private VR implicitVr(int tag, DataSet context) {
      ElementDictionary.Entry entry = Tag.isPrivate(tag) || Tag.isGroupLength(tag) ? null : dictionary.entry(tag);
      if (entry == null || entry.vrs().size() <= 1) {
        return dictionary.vrOf(tag);
      }
      // Ambiguous VRs resolve from context as PS3.5 A.1 describes; OB/OW becomes OW in implicit VR.
      if (entry.vrs().contains(VR.OW)) {
        return VR.OW;
      }
      if (entry.vrs().contains(VR.SS) && context.integer(Tag.PixelRepresentation, 0) == 1) {
        return VR.SS;
      }
      return entry.vr();
    }

    private void readUndefinedLength(DataSet target, int tag, VR vr, long start, int depth) throws IOException {
      if (vr == VR.SQ) {
        target.put(DicomElement.ofItems(tag, readSequence(-1, depth + 1)));
      } else if (vr == VR.UN) {
        // PS3.5 6.2.2: UN of undefined length is a sequence encoded in implicit VR little endian.
        boolean wasExplicit = explicit;
        boolean wasBigEndian = bigEndian;
        explicit = false;
        bigEndian = false;
        try {
          target.put(DicomElement.ofItems(tag, readSequence(-1, depth + 1)));
        } finally {
          explicit = wasExplicit;
          bigEndian = wasBigEndian;
        }
      } else if (vr == VR.OB || vr == VR.OW) {
        readFragments(target, tag, vr, start);
      } else {
        throw error(start, "undefined length is not allowed for " + Tag.toString(tag) + " with VR " + vr);
      }
    }

    private void readFragments(DataSet target, int tag, VR vr, long start) throws IOException {
      byte[] offsetTable = null;
      List<BulkData> fragments = new ArrayList<>();
      while (true) {
        long itemStart = in.position();
        int itemTag = readTag(itemStart);
        long length = readU32(itemStart);
        if (itemTag == Tag.SequenceDelimitationItem) {
          break;
        }
        if (itemTag != Tag.Item) {
          throw error(itemStart, "expected an Item or Sequence Delimitation Item in encapsulated "
              + Tag.toString(tag) + ", found " + Tag.toString(itemTag));
        }
        if (length == UNDEFINED) {
          throw error(itemStart, "fragment of undefined length in encapsulated " + Tag.toString(tag));
        }
        long valueStart = in.position();
        checkAvailable(itemTag, length, valueStart);
        if (offsetTable == null) {
          offsetTable = readValue(itemTag, length, valueStart);
          if (bigEndian) {
            swap(offsetTable, 4);
          }
        } else {
          in.skip(length);
          fragments.add(new BulkData(valueStart, length));
        }
      }
      if (offsetTable == null) {
        throw error(start, "encapsulated " + Tag.toString(tag) + " has no Basic Offset Table item");
      }
      target.put(DicomElement.ofFragments(tag, vr, offsetTable, fragments));
    }

    private List<DataSet> readSequence(long end, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw error(in.position(), "sequences nested deeper than " + MAX_DEPTH);
      }
      List<DataSet> items = new ArrayList<>();
      while (true) {
        long start = in.position();
        if (end >= 0 && start >= end) {
          if (start > end) {
            throw error(start, "item runs past the end of its sequence (ends at " + end + ")");
          }
          return items;
        }
        int tag = readTag(start);
        long length = readU32(start);
        if (tag == Tag.SequenceDelimitationItem) {
          if (end >= 0) {
            warnings.add("Sequence Delimitation Item in a sequence of defined length at offset " + start);
          }
          return items;
        }
        if (tag != Tag.Item) {
          throw error(start, "expected an Item in a sequence, found " + Tag.toString(tag));
        }
        DataSet item = new DataSet();
        if (length == UNDEFINED) {
          readItems(item, -1, depth);
        } else {
          long valueStart = in.position();
          checkAvailable(tag, length, valueStart);
          readItems(item, valueStart + length, depth);
        }
        items.add(item);
      }
    }

    private boolean looksLikeItem(long valueStart) throws IOException {
      byte[] b = new byte[4];
      int n = in.readAvailable(b, 0, 4);
      in.seek(valueStart);
      return n == 4 && u16le(b, 0) == 0xFFFE && u16le(b, 2) == 0xE000;
    }

    /** Parses a defined-length value as a sequence; on failure returns null with the input back at the value. */
    private List<DataSet> tryReadSequence(long valueStart, long length, int depth) throws IOException {
      if (!in.seekable()) {
        return null;
      }
      int warningCount = warnings.size();
      try {
        return readSequence(valueStart + length, depth);
      } catch (DicomParseException e) {
        while (warnings.size() > warningCount) {
          warnings.remove(warnings.size() - 1);
        }
        in.seek(valueStart);
        return null;
      }
    }

    private void checkAvailable(int tag, long length, long valueStart) throws DicomParseException {
      long left = in.remaining();
      if (left >= 0 && length > left) {
        throw error(valueStart, Tag.toString(tag) + " claims " + length + " bytes but only " + left
            + " remain (truncated or corrupt)");
      }
    }

    /** Reads a value in chunks, so a corrupt length in a stream of unknown size fails at its end, not in malloc. */
    private byte[] readValue(int tag, long length, long valueStart) throws IOException {
      if (length > Integer.MAX_VALUE - 16) {
        throw error(valueStart, Tag.toString(tag) + " claims " + length + " bytes, too large to hold");
      }
      int len = (int) length;
      byte[] value = new byte[Math.min(len, 1 << 20)];
      int done = 0;
      while (done < len) {
        if (done == value.length) {
          value = Arrays.copyOf(value, (int) Math.min(len, (long) value.length * 2));
        }
        int got = in.readAvailable(value, done, value.length - done);
        if (got == 0) {
          throw error(valueStart, "truncated: " + Tag.toString(tag) + " claims " + length + " bytes, file ends after "
              + done);
        }
        done += got;
      }
      return value;
    }

    // --- Primitive reads in the current byte order; EOF becomes a parse error naming where the element began.

    private int readTag(long elementStart) throws IOException {
      int group = readU16(elementStart);
      int element = readU16(elementStart);
      return group << 16 | element;
    }

    private int readU8(long elementStart) throws IOException {
      int b = in.read();
      if (b < 0) {
        throw error(elementStart, "truncated: file ends inside an element header");
      }
      return b;
    }

    private int readU16(long elementStart) throws IOException {
      int a = readU8(elementStart);
      int b = readU8(elementStart);
      return bigEndian ? a << 8 | b : b << 8 | a;
    }

    private long readU32(long elementStart) throws IOException {
      long a = readU16(elementStart);
      long b = readU16(elementStart);
      return bigEndian ? a << 16 | b : b << 16 | a;
    }

    private DicomParseException error(long offset, String reason) {
      return new DicomParseException(source, offset, reason);
    }

    private DicomParseException error(long offset, String reason, Throwable cause) {
      return new DicomParseException(source, offset, reason, cause);
    }
  }

  static void swap(byte[] b, int unit) {
    for (int i = 0; i + unit <= b.length; i += unit) {
      for (int j = 0; j < unit / 2; j++) {
        byte t = b[i + j];
        b[i + j] = b[i + unit - 1 - j];
        b[i + unit - 1 - j] = t;
      }
    }
  }

  private static boolean matches(byte[] b, int off, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (b[off + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  static int u16le(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
  }

  static int u16be(byte[] b, int off) {
    return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
  }

  static long u32le(byte[] b, int off) {
    return (u16le(b, off) & 0xFFFFL) | (u16le(b, off + 2) & 0xFFFFL) << 16;
  }
}
