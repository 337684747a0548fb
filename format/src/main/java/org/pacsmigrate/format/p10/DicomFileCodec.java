package org.pacsmigrate.format.p10;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.VR;

/**
 * A compact, deterministic binary form of a parsed header ({@link DicomFile}), for moving headers between
 * workers. Values left in the source stay references (offset and length): only metadata travels. The same
 * header always encodes to the same bytes, which keeps a shuffle's output deterministic.
 */
public final class DicomFileCodec {
  private static final int VERSION = 1;
  private static final int BYTES = 0;
  private static final int ITEMS = 1;
  private static final int BULK = 2;
  private static final int FRAGMENTS = 3;
  private static final int MAX_DEPTH = 64;

  private DicomFileCodec() {}

  public static void write(DicomFile f, DataOutput out) throws IOException {
    out.writeByte(VERSION);
    out.writeUTF(f.source());
    out.writeLong(f.size());
    out.writeBoolean(f.hasPreamble());
    TransferSyntax ts = f.transferSyntax();
    out.writeUTF(ts.uid());
    out.writeUTF(ts.name());
    out.writeBoolean(ts.explicitVr());
    out.writeBoolean(ts.bigEndian());
    out.writeBoolean(ts.deflated());
    out.writeBoolean(ts.encapsulated());
    out.writeUTF(ts.mediaType() == null ? "" : ts.mediaType());
    out.writeLong(f.dataSetOffset());
    out.writeInt(f.warnings().size());
    for (String w : f.warnings()) {
      out.writeUTF(w);
    }
    writeDataSet(f.fileMeta(), out);
    writeDataSet(f.dataSet(), out);
  }

  public static DicomFile read(DataInput in) throws IOException {
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("unknown header encoding version " + version);
    }
    String source = in.readUTF();
    long size = in.readLong();
    boolean preamble = in.readBoolean();
    String uid = in.readUTF();
    String name = in.readUTF();
    boolean explicit = in.readBoolean();
    boolean bigEndian = in.readBoolean();
    boolean deflated = in.readBoolean();
    boolean encapsulated = in.readBoolean();
    String mediaType = in.readUTF();
    TransferSyntax ts = new TransferSyntax(uid, name, explicit, bigEndian, deflated, encapsulated,
        mediaType.isEmpty() ? null : mediaType);
    long dataSetOffset = in.readLong();
    int warnings = in.readInt();
    List<String> w = new ArrayList<>();
    for (int i = 0; i < warnings; i++) {
      w.add(in.readUTF());
    }
    DataSet meta = readDataSet(in, 0);
    DataSet ds = readDataSet(in, 0);
    return new DicomFile(source, size, preamble, meta, ds, ts, dataSetOffset, w);
  }

  public static void writeDataSet(DataSet ds, DataOutput out) throws IOException {
    out.writeInt(ds.size());
    for (DicomElement e : ds.elements()) {
      out.writeInt(e.tag());
      out.writeByte(e.vr().ordinal());
      if (e.isSequence()) {
        out.writeByte(ITEMS);
        out.writeInt(e.items().size());
        for (DataSet item : e.items()) {
          writeDataSet(item, out);
        }
      } else if (e.isEncapsulated()) {
        out.writeByte(FRAGMENTS);
        writeBytes(e.basicOffsetTable(), out);
        out.writeInt(e.fragments().size());
        for (BulkData b : e.fragments()) {
          out.writeLong(b.offset());
          out.writeLong(b.length());
        }
      } else if (e.isBulk()) {
        out.writeByte(BULK);
        out.writeLong(e.bulk().offset());
        out.writeLong(e.bulk().length());
      } else {
        out.writeByte(BYTES);
        writeBytes(e.bytes(), out);
      }
    }
  }

  public static DataSet readDataSet(DataInput in, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("header encoding nested deeper than " + MAX_DEPTH);
    }
    DataSet ds = new DataSet();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      int tag = in.readInt();
      VR vr = VR.values()[in.readUnsignedByte()];
      int kind = in.readUnsignedByte();
      switch (kind) {
        case ITEMS -> {
          int count = in.readInt();
          List<DataSet> items = new ArrayList<>(Math.min(count, 1024));
          for (int j = 0; j < count; j++) {
            items.add(readDataSet(in, depth + 1));
          }
          ds.put(DicomElement.ofItems(tag, items));
        }
        case FRAGMENTS -> {
          byte[] table = readBytes(in);
          int count = in.readInt();
          List<BulkData> fragments = new ArrayList<>(Math.min(count, 1024));
          for (int j = 0; j < count; j++) {
            fragments.add(new BulkData(in.readLong(), in.readLong()));
          }
          ds.put(DicomElement.ofFragments(tag, vr, table, fragments));
        }
        case BULK -> ds.put(DicomElement.ofBulk(tag, vr, new BulkData(in.readLong(), in.readLong())));
        case BYTES -> ds.put(DicomElement.ofBytes(tag, vr, readBytes(in)));
        default -> throw new IOException("unknown element kind " + kind);
      }
    }
    return ds;
  }

  private static void writeBytes(byte[] b, DataOutput out) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > 256 << 20) {
      throw new IOException("implausible value length " + n + " in header encoding");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
