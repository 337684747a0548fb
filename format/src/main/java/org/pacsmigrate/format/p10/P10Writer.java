package org.pacsmigrate.format.p10;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;

/**
 * Writes a DICOM Part 10 file (PS3.10 7.1): preamble, "DICM", File Meta Information, then the data set in
 * explicit VR little endian, with native or encapsulated pixel data. Values not in memory are streamed from a
 * {@link BulkDataSource}, so memory is proportional to the header, not the file.
 *
 * <p>Only explicit VR little endian syntaxes are written: it is what every receiver accepts, and what every
 * syntax defined since 1993 is built on. Implicit VR, big endian and deflated syntaxes are refused.
 *
 * <p>Exceptions name tags, paths and lengths, never values (they may be patient data). After an exception the
 * output is incomplete and must be discarded.
 */
public final class P10Writer {
  /**
   * Identifies files written by this project (PS3.7 D.3.3.2). Derived once, per PS3.5 B.2, from the fixed
   * UUID 381a4bb0-0026-40fa-89e4-de31bbbdb467: "2.25." and the UUID as an unsigned decimal integer.
   */
  public static final String IMPLEMENTATION_CLASS_UID = "2.25.74573302607200316820982789764231836775";
  /** At most 16 characters (SH); changes when the encoding this writer produces changes. */
  public static final String IMPLEMENTATION_VERSION_NAME = "PACSMIGRATE_0.1";

  private static final int BUFFER_SIZE = 64 * 1024;
  /** Takes the bytes and keeps none; written to unbuffered (a check that writes a file to nowhere, per file). */
  public static final OutputStream DISCARD = OutputStream.nullOutputStream();
  private static final byte[] FILE_META_VERSION = {0, 1};

  /** Writes {@code dataSet} with a File Meta Information of its own. */
  public void write(DataSet dataSet, TransferSyntax syntax, BulkDataSource bulk, OutputStream out)
      throws IOException {
    write(null, dataSet, syntax, bulk, out);
  }

  /**
   * Writes {@code dataSet}, keeping from {@code fileMeta} (nullable; typically the source file's) what
   * describes where the instance came from: Source/Sending/Receiving AE Titles, Private Information and any
   * other element of group 0002. Elements this writer is responsible for are always set here: group length,
   * version, Media Storage SOP Class/Instance UID (from the data set, else from {@code fileMeta}), Transfer
   * Syntax UID, Implementation Class UID and Version Name. {@code out} is flushed, not closed.
   */
  public void write(DataSet fileMeta, DataSet dataSet, TransferSyntax syntax, BulkDataSource bulk,
      OutputStream out) throws IOException {
    Objects.requireNonNull(dataSet, "dataSet");
    Objects.requireNonNull(bulk, "bulk");
    Objects.requireNonNull(out, "out");
    checkSyntax(syntax);
    checkDataSet(dataSet, syntax);
    byte[] meta = encodeFileMeta(fileMeta(fileMeta, dataSet, syntax), bulk);

    OutputStream buffered = out == DISCARD ? out : new BufferedOutputStream(out, BUFFER_SIZE);
    buffered.write(new byte[128]);
    buffered.write(new byte[] {'D', 'I', 'C', 'M'});
    ExplicitLeOutput output = new ExplicitLeOutput(buffered);
    output.elementHeader(Tag.FileMetaInformationGroupLength, VR.UL, 4);
    output.write(u32le(meta.length));
    output.write(meta);
    new DataSetEncoder(output, bulk, syntax.encapsulated()).writeTopLevel(dataSet);
    buffered.flush();
  }

  private static void checkSyntax(TransferSyntax syntax) {
    Objects.requireNonNull(syntax, "syntax");
    if (!syntax.explicitVr() || syntax.bigEndian() || syntax.deflated()) {
      throw new IllegalArgumentException("only explicit VR little endian syntaxes are written, not "
          + syntax.name() + " (" + syntax.uid() + ")");
    }
  }

  /** Checked before the first byte is written, so the usual mistakes leave no partial file behind. */
  private static void checkDataSet(DataSet dataSet, TransferSyntax syntax) {
    for (DicomElement e : dataSet.elements()) {
      if (Tag.group(e.tag()) == 0x0002) {
        throw new IllegalArgumentException("data set holds File Meta Information element " + Tag.toString(e.tag())
            + "; pass it in fileMeta");
      }
    }
    DicomElement pixels = dataSet.get(Tag.PixelData);
    if (pixels != null && !pixels.isEmpty() && pixels.isEncapsulated() != syntax.encapsulated()) {
      throw new IllegalArgumentException((pixels.isEncapsulated() ? "encapsulated" : "native")
          + " Pixel Data cannot be written in " + syntax.name() + " (" + syntax.uid() + ")");
    }
  }

  private static DataSet fileMeta(DataSet given, DataSet dataSet, TransferSyntax syntax) {
    DataSet meta = new DataSet();
    if (given != null) {
      for (DicomElement e : given.elements()) {
        if (Tag.group(e.tag()) != 0x0002) {
          throw new IllegalArgumentException("fileMeta holds " + Tag.toString(e.tag()) + ", not of group 0002");
        }
        meta.put(e);
      }
    }
    meta.remove(Tag.FileMetaInformationGroupLength);
    meta.put(DicomElement.ofBytes(Tag.FileMetaInformationVersion, VR.OB, FILE_META_VERSION));
    meta.put(uid(Tag.MediaStorageSOPClassUID, sopUid(dataSet, Tag.SOPClassUID, given, Tag.MediaStorageSOPClassUID)));
    meta.put(uid(Tag.MediaStorageSOPInstanceUID,
        sopUid(dataSet, Tag.SOPInstanceUID, given, Tag.MediaStorageSOPInstanceUID)));
    meta.put(uid(Tag.TransferSyntaxUID, syntax.uid()));
    meta.put(uid(Tag.ImplementationClassUID, IMPLEMENTATION_CLASS_UID));
    meta.put(DicomElement.ofBytes(Tag.ImplementationVersionName, VR.SH,
        IMPLEMENTATION_VERSION_NAME.getBytes(StandardCharsets.US_ASCII)));
    return meta;
  }

  private static String sopUid(DataSet dataSet, int tag, DataSet given, int metaTag) {
    String uid = dataSet.asciiString(tag);
    if ((uid == null || uid.isEmpty()) && given != null) {
      uid = given.asciiString(metaTag);
    }
    if (uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException("data set has no " + Tag.toString(tag) + " and fileMeta no "
          + Tag.toString(metaTag) + ", required in the File Meta Information");
    }
    return uid;
  }

  private static DicomElement uid(int tag, String uid) {
    return DicomElement.ofBytes(tag, VR.UI, uid.getBytes(StandardCharsets.US_ASCII));
  }

  /** In memory, because the group length precedes the group; the meta is a few hundred bytes. */
  private static byte[] encodeFileMeta(DataSet meta, BulkDataSource bulk) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    new DataSetEncoder(new ExplicitLeOutput(bytes), bulk, false).writeTopLevel(meta);
    return bytes.toByteArray();
  }

  private static byte[] u32le(int value) {
    return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
  }
}
