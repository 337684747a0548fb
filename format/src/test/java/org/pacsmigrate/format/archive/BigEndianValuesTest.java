package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.BulkData;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.p10.BulkDataReader;
import org.pacsmigrate.format.p10.DicomFile;
import org.pacsmigrate.format.p10.TransferSyntax;

class BigEndianValuesTest {
  @TempDir Path dir;

  /** Any range of a value gets the bytes the whole value has there once swapped, aligned or not. */
  @Test
  void everyRangeIsTheSliceOfTheWholeValueSwapped() throws IOException {
    byte[] file = new byte[40];
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) i;
    }
    Path path = Files.write(dir.resolve("v.bin"), file);
    DicomFile parsed = new DicomFile(path.toString(), file.length, false, new DataSet(), new DataSet(),
        TransferSyntax.EXPLICIT_VR_BIG_ENDIAN, 0, java.util.List.of());
    BulkData value = new BulkData(3, 33); // starts odd, 33 bytes: a trailing partial unit for every unit
    for (int unit : new int[] {1, 2, 4, 8}) {
      byte[] whole = new byte[33];
      System.arraycopy(file, 3, whole, 0, 33);
      for (int u = 0; u + unit <= whole.length; u += unit) {
        for (int j = 0; j < unit / 2; j++) {
          byte t = whole[u + j];
          whole[u + j] = whole[u + unit - 1 - j];
          whole[u + unit - 1 - j] = t;
        }
      }
      for (int from = 0; from <= 33; from++) {
        for (int to = from; to <= 33; to++) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          try (BulkDataReader reader = BulkDataReader.open(path, parsed)) {
            BigEndianValues.copy(reader, value, new BulkData(3 + from, to - from), unit, out);
          }
          assertArrayEquals(Arrays.copyOfRange(whole, from, to), out.toByteArray(),
              "unit " + unit + " range " + from + ".." + to);
        }
      }
    }
  }
}
