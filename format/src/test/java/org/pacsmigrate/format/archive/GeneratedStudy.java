package org.pacsmigrate.format.archive;

import static org.pacsmigrate.format.archive.TestFiles.image;
import static org.pacsmigrate.format.archive.TestFiles.instance;
import static org.pacsmigrate.format.archive.TestFiles.item;
import static org.pacsmigrate.format.archive.TestFiles.pattern;
import static org.pacsmigrate.format.archive.TestFiles.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.BulkDataSource;
import org.pacsmigrate.format.p10.TransferSyntax;

/**
 * A study of generated files covering what the archive must handle: several series whose UIDs sort differently
 * as strings and as numbers, single and multi-frame native images, Bits Allocated 1 frames sharing bytes,
 * encapsulated frames with and without a Basic Offset Table (one frame in two fragments), bulk data at the top
 * and two sequences deep, a binary value just over and just under the inline limit, and an instance without
 * pixel data.
 */
final class GeneratedStudy {
  static final String STUDY = "2.25.1000";
  static final String SERIES_NATIVE = "2.25.2000.2";
  static final String SERIES_ENCAPSULATED = "2.25.2000.3";
  /** Sorts before {@link #SERIES_NATIVE} as a string, after it as a number. */
  static final String SERIES_MANY = "2.25.2000.10";
  static final int MANY = 12;
  static final int NESTED_SEQUENCE = 0x0040A730;
  static final int NESTED_OB = 0x00091050;

  private GeneratedStudy() {}

  static List<ArchiveInstance> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    BulkDataSource none = BulkDataSource.none();
    TransferSyntax le = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;

    DataSet single = image(instance(STUDY, SERIES_NATIVE, "2.25.3000.1"), 16, 16, 16, 1);
    single.put(text(0x00090010, VR.LO, "PACSMIGRATE TEST"));
    single.put(DicomElement.ofBytes(0x00091041, VR.OB, pattern(1025, 1)));
    single.put(DicomElement.ofBytes(0x00091042, VR.OB, pattern(1024, 2)));
    single.put(DicomElement.ofBytes(0x00091043, VR.OW, pattern(3000, 3)));
    single.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, pattern(16 * 16 * 2, 4)));
    files.add(TestFiles.write(dir, "single.dcm", single, le, none));

    DataSet multi = image(instance(STUDY, SERIES_NATIVE, "2.25.3000.2"), 8, 8, 16, 5);
    multi.put(DicomElement.ofBytes(Tag.PixelData, VR.OW, pattern(8 * 8 * 2 * 5, 5)));
    files.add(TestFiles.write(dir, "multi.dcm", multi, le, none));

    // 3x3 one-bit pixels: 9 bits a frame, so frames 2 to 4 start inside a byte their predecessor ends in.
    DataSet bits = image(instance(STUDY, SERIES_NATIVE, "2.25.3000.3"), 3, 3, 1, 4);
    bits.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, pattern(6, 6)));
    files.add(TestFiles.write(dir, "bits.dcm", bits, le, none));

    DataSet nested = instance(STUDY, SERIES_NATIVE, "2.25.3000.4");
    DataSet inner = item(text(0x00090010, VR.LO, "PACSMIGRATE TEST"),
        DicomElement.ofBytes(NESTED_OB, VR.OB, pattern(5000, 7)));
    DataSet outer = item(text(0x0040A040, VR.CS, "CONTAINER"),
        DicomElement.ofItems(NESTED_SEQUENCE, List.of(new DataSet(), inner)));
    nested.put(DicomElement.ofItems(NESTED_SEQUENCE, List.of(outer)));
    nested.put(text(0x00204000, VR.LT, "a comment ".repeat(300)));
    files.add(TestFiles.write(dir, "nested.dcm", nested, le, none));

    TestFiles.Fragments withTable = new TestFiles.Fragments();
    DataSet jpeg = image(instance(STUDY, SERIES_ENCAPSULATED, "2.25.3000.5"), 8, 8, 8, 3);
    TestFiles.encapsulated(jpeg, withTable, true,
        List.of(List.of(pattern(100, 8)), List.of(pattern(60, 9), pattern(2000, 10)), List.of(pattern(30, 11))));
    files.add(TestFiles.write(dir, "jpeg.dcm", jpeg, TransferSyntax.forUid(TestFiles.JPEG_BASELINE), withTable));

    TestFiles.Fragments noTable = new TestFiles.Fragments();
    DataSet rle = image(instance(STUDY, SERIES_ENCAPSULATED, "2.25.3000.6"), 8, 8, 8, 3);
    TestFiles.encapsulated(rle, noTable, false,
        List.of(List.of(pattern(64, 12)), List.of(pattern(70, 13)), List.of(pattern(80, 14))));
    files.add(TestFiles.write(dir, "rle.dcm", rle, TransferSyntax.forUid(TestFiles.RLE), noTable));

    for (int i = 1; i <= MANY; i++) {
      DataSet small = image(instance(STUDY, SERIES_MANY, "2.25.4000." + i), 2, 2, 8, 1);
      small.put(DicomElement.ofBytes(Tag.PixelData, VR.OB, pattern(4, i)));
      files.add(TestFiles.write(dir, "many" + i + ".dcm", small, le, none));
    }
    DataSet noPixels = instance(STUDY, SERIES_MANY, "2.25.4000.99");
    files.add(TestFiles.write(dir, "nopixels.dcm", noPixels, le, none));

    List<ArchiveInstance> instances = new ArrayList<>();
    for (Path f : files) {
      instances.add(TestFiles.read(f));
    }
    return instances;
  }
}
