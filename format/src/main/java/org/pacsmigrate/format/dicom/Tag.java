package org.pacsmigrate.format.dicom;

/** Tags as 32-bit ints (group in the high 16 bits) and the ones the codec itself depends on. */
public final class Tag {
  private Tag() {}

  public static final int FileMetaInformationGroupLength = 0x00020000;
  public static final int FileMetaInformationVersion = 0x00020001;
  public static final int MediaStorageSOPClassUID = 0x00020002;
  public static final int MediaStorageSOPInstanceUID = 0x00020003;
  public static final int TransferSyntaxUID = 0x00020010;
  public static final int ImplementationClassUID = 0x00020012;
  public static final int ImplementationVersionName = 0x00020013;
  public static final int SpecificCharacterSet = 0x00080005;
  public static final int SOPClassUID = 0x00080016;
  public static final int SOPInstanceUID = 0x00080018;
  public static final int StudyDate = 0x00080020;
  public static final int AvailableTransferSyntaxUID = 0x00083002;
  public static final int PatientName = 0x00100010;
  public static final int PatientID = 0x00100020;
  public static final int StudyInstanceUID = 0x0020000D;
  public static final int SeriesInstanceUID = 0x0020000E;
  public static final int SamplesPerPixel = 0x00280002;
  public static final int PhotometricInterpretation = 0x00280004;
  public static final int NumberOfFrames = 0x00280008;
  public static final int Rows = 0x00280010;
  public static final int Columns = 0x00280011;
  public static final int BitsAllocated = 0x00280100;
  public static final int PixelRepresentation = 0x00280103;
  public static final int ExtendedOffsetTable = 0x7FE00001;
  public static final int ExtendedOffsetTableLengths = 0x7FE00002;
  public static final int FloatPixelData = 0x7FE00008;
  public static final int DoubleFloatPixelData = 0x7FE00009;
  public static final int PixelData = 0x7FE00010;
  public static final int DataSetTrailingPadding = 0xFFFCFFFC;
  public static final int Item = 0xFFFEE000;
  public static final int ItemDelimitationItem = 0xFFFEE00D;
  public static final int SequenceDelimitationItem = 0xFFFEE0DD;

  public static int group(int tag) {
    return tag >>> 16;
  }

  public static int element(int tag) {
    return tag & 0xFFFF;
  }

  public static boolean isPrivate(int tag) {
    return (group(tag) & 1) == 1;
  }

  /** (gggg,0010-00FF) in an odd group: the element that names a block of private tags. */
  public static boolean isPrivateCreator(int tag) {
    int e = element(tag);
    return isPrivate(tag) && e >= 0x10 && e <= 0xFF;
  }

  public static boolean isGroupLength(int tag) {
    return element(tag) == 0;
  }

  /**
   * Elements that only serve an encoding and carry no attribute: group lengths and Data Set Trailing Padding
   * (PS3.10 7.2). They are left out of DICOM JSON and are not compared.
   */
  public static boolean isEncodingArtefact(int tag) {
    return isGroupLength(tag) || tag == DataSetTrailingPadding;
  }

  public static boolean isPixelData(int tag) {
    return tag == PixelData || tag == FloatPixelData || tag == DoubleFloatPixelData;
  }

  /** "(0010,0010)" form, as dcmdump prints it. */
  public static String toString(int tag) {
    return String.format("(%04X,%04X)", group(tag), element(tag));
  }

  private static final byte[] HEX_DIGITS = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** "00100010" form, as DICOM JSON keys it: eight upper-case hex digits, as {@code String.format("%08X", tag)} (which cost a tenth of a job's time). */
  public static String toHex(int tag) {
    byte[] digits = new byte[8];
    for (int i = 7; i >= 0; i--) {
      digits[i] = HEX_DIGITS[tag & 0xF];
      tag >>>= 4;
    }
    return new String(digits, java.nio.charset.StandardCharsets.US_ASCII);
  }

  public static int parseHex(String hex) {
    if (hex.length() != 8) {
      throw new IllegalArgumentException("a tag is 8 hex digits: " + hex);
    }
    return (int) Long.parseLong(hex, 16);
  }
}
