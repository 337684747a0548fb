package org.pacsmigrate.format.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import java.nio.charset.StandardCharsets;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.DicomElement;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.P10Reader;
import org.pacsmigrate.format.p10.P10Writer;
import org.pacsmigrate.format.p10.SourceBulkData;
import org.pacsmigrate.format.p10.TransferSyntax;
import org.pacsmigrate.format.verify.DataSetComparator;
import org.pacsmigrate.format.verify.Difference;
import org.pacsmigrate.format.verify.FileValueDigester;

/** read -> write -> read gives the same attributes and values for every corpus file that parses. */
class CorpusRoundTripTest {
  @TempDir Path dir;

  @TestFactory
  Stream<DynamicTest> readWriteReadIsEqual() {
    return Corpus.files().stream().filter(f -> !Corpus.expectRejected(f))
        .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> roundTrip(file)));
  }

  private void roundTrip(Path file) throws Exception {
    P10Reader reader = new P10Reader();
    DicomFile source = reader.read(file);
    DicomElement pixels = source.dataSet().get(Tag.PixelData);
    boolean encapsulated = pixels != null && pixels.isEncapsulated();
    TransferSyntax out = encapsulated ? TransferSyntax.forUid(source.transferSyntax().uid())
        : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
    // Fragments of test data sets without SOP UIDs: the writer needs some for the file meta.
    DataSet meta = new DataSet();
    meta.put(DicomElement.ofBytes(Tag.MediaStorageSOPClassUID, VR.UI, "1.2.3\0".getBytes(StandardCharsets.US_ASCII)));
    meta.put(DicomElement.ofBytes(Tag.MediaStorageSOPInstanceUID, VR.UI, "1.2.3\0".getBytes(StandardCharsets.US_ASCII)));
    Path written = dir.resolve(file.getFileName());
    try (SourceBulkData bulk = SourceBulkData.open(file, source); OutputStream os = Files.newOutputStream(written)) {
      new P10Writer().write(meta, source.dataSet(), out, bulk, os);
    }
    DicomFile copy = reader.read(written);
    assertTrue(copy.warnings().isEmpty(), "written file reads without warnings: " + copy.warnings());
    assertEquals(out.uid(), copy.transferSyntax().uid());
    try (SourceBulkData a = SourceBulkData.open(file, source); SourceBulkData b = SourceBulkData.open(written, copy)) {
      List<Difference> diffs = new DataSetComparator(new FileValueDigester(source, a), new FileValueDigester(copy, b),
          Set.of()).compare(source.dataSet(), copy.dataSet());
      assertEquals(List.of(), diffs);
    }
  }
}
