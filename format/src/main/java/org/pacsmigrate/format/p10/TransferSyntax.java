package org.pacsmigrate.format.p10;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How a data set is encoded (PS3.5 section 10, PS3.6 Annex A). Syntaxes are known by UID; an unknown UID is
 * taken as explicit VR little endian with encapsulated pixel data, which is how every syntax defined since
 * 1993 is encoded, and the reader also recognises encapsulation by Pixel Data of undefined length.
 */
public record TransferSyntax(String uid, String name, boolean explicitVr, boolean bigEndian, boolean deflated,
    boolean encapsulated, String mediaType) {

  public static final TransferSyntax IMPLICIT_VR_LITTLE_ENDIAN =
      new TransferSyntax("1.2.840.10008.1.2", "Implicit VR Little Endian", false, false, false, false, null);
  public static final TransferSyntax EXPLICIT_VR_LITTLE_ENDIAN =
      new TransferSyntax("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, false, false, false, null);
  public static final TransferSyntax DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = new TransferSyntax(
      "1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", true, false, true, false, null);
  public static final TransferSyntax EXPLICIT_VR_BIG_ENDIAN =
      new TransferSyntax("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", true, true, false, false, null);

  private static final Map<String, TransferSyntax> KNOWN = Stream.of(
      IMPLICIT_VR_LITTLE_ENDIAN,
      EXPLICIT_VR_LITTLE_ENDIAN,
      DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
      EXPLICIT_VR_BIG_ENDIAN,
      encapsulated("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian",
          "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 and 4)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 and 5) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection (Process 6 and 8) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.54", "JPEG Spectral Selection (Process 7 and 9) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.55", "JPEG Full Progression (Process 10 and 12) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.56", "JPEG Full Progression (Process 11 and 13) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.57", "JPEG Lossless (Process 14)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.58", "JPEG Lossless (Process 15) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.59", "JPEG Extended Hierarchical (Process 16 and 18) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.60", "JPEG Extended Hierarchical (Process 17 and 19) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.61", "JPEG Spectral Selection Hierarchical (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.62", "JPEG Spectral Selection Hierarchical (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.63", "JPEG Full Progression Hierarchical (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.64", "JPEG Full Progression Hierarchical (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.65", "JPEG Lossless Hierarchical (Process 28) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.66", "JPEG Lossless Hierarchical (Process 29) (retired)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.70", "JPEG Lossless, First-Order Prediction (Process 14 SV1)", "image/jpeg"),
      encapsulated("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", "image/jls"),
      encapsulated("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", "image/jls"),
      encapsulated("1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)", "image/jp2"),
      encapsulated("1.2.840.10008.1.2.4.91", "JPEG 2000", "image/jp2"),
      encapsulated("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)", "image/jpx"),
      encapsulated("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component", "image/jpx"),
      encapsulated("1.2.840.10008.1.2.4.94", "JPIP Referenced", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", "video/mpeg"),
      encapsulated("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level", "video/mpeg"),
      encapsulated("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", "video/mpeg"),
      encapsulated("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level", "video/mpeg"),
      encapsulated("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile For 2D Video", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.104.1", "Fragmentable MPEG-4 AVC/H.264 For 2D Video", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile For 3D Video", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.105.1", "Fragmentable MPEG-4 AVC/H.264 For 3D Video", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile", "video/mp4"),
      encapsulated("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", "video/H265"),
      encapsulated("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", "video/H265"),
      encapsulated("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", "image/jxl"),
      encapsulated("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", "image/jxl"),
      encapsulated("1.2.840.10008.1.2.4.112", "JPEG XL", "image/jxl"),
      encapsulated("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)", "image/jphc"),
      encapsulated("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL (Lossless Only)", "image/jphc"),
      encapsulated("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", "image/jphc"),
      encapsulated("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.5", "RLE Lossless", "image/dicom-rle"),
      encapsulated("1.2.840.10008.1.2.6.1", "RFC 2557 MIME encapsulation (retired)", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.6.2", "XML Encoding (retired)", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced", "application/octet-stream"),
      encapsulated("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Audio", "application/octet-stream"))
      .collect(Collectors.toUnmodifiableMap(TransferSyntax::uid, Function.identity()));

  private static TransferSyntax encapsulated(String uid, String name, String mediaType) {
    return new TransferSyntax(uid, name, true, false, false, true, mediaType);
  }

  /** The syntax for a UID; unknown UIDs are explicit VR little endian and encapsulated (see class comment). */
  public static TransferSyntax forUid(String uid) {
    TransferSyntax known = KNOWN.get(uid);
    if (known != null) {
      return known;
    }
    return new TransferSyntax(uid, "Unknown (" + uid + ")", true, false, false, true, "application/octet-stream");
  }

  public boolean isKnown() {
    return KNOWN.containsKey(uid);
  }
}
