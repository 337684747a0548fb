package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.dicom.DataSet;
import org.pacsmigrate.format.dicom.VR;
import org.pacsmigrate.transforms.model.ParsedInstance;

class DuplicateResolverTest {
  @TempDir Path dir;

  private final DuplicateResolver resolver = new DuplicateResolver(p -> FileChannel.open(Path.of(p)));

  @Test
  void identicalCopiesKeepTheSmallestPath() throws IOException {
    Path b = TestDicom.write(dir.resolve("b/x.dcm"), TestDicom.image("1.2.3", 7));
    Path a = Files.copy(b, Files.createDirectories(dir.resolve("a")).resolve("x.dcm"));
    Path c = Files.copy(b, Files.createDirectories(dir.resolve("c")).resolve("x.dcm"));
    DuplicateResolver.Resolution r = resolver.resolve(parse(c, b, a));
    assertEquals(a.toString(), r.kept().path());
    assertEquals(2, r.duplicates().size());
    for (DuplicateResolver.Duplicate d : r.duplicates()) {
      assertFalse(d.conflicting());
      assertEquals("identical to " + a, d.reason());
    }
  }

  @Test
  void differentPixelsAreAConflictAndTheMoreCompleteFileIsKept() throws IOException {
    DataSet richer = TestDicom.image("1.2.3", 7);
    richer.put(TestDicom.text(TestDicom.IMAGE_COMMENTS, VR.LT, "more"));
    Path a = TestDicom.write(dir.resolve("a.dcm"), TestDicom.image("1.2.3", 9));
    Path z = TestDicom.write(dir.resolve("z.dcm"), richer);
    DuplicateResolver.Resolution r = resolver.resolve(parse(a, z));
    assertEquals(z.toString(), r.kept().path(), "more attributes wins over the smaller path");
    DuplicateResolver.Duplicate d = r.duplicates().get(0);
    assertTrue(d.conflicting());
    assertEquals("conflicting duplicate of " + z + " (2 attributes differ: 00204000 7FE00010)", d.reason());
  }

  @Test
  void amongEquallyCompleteFilesTheMostRecentlyCreatedIsKept() throws IOException {
    DataSet older = TestDicom.image("1.2.3", 7);
    older.put(TestDicom.text(TestDicom.INSTANCE_CREATION_DATE, VR.DA, "20200101"));
    older.put(TestDicom.text(TestDicom.INSTANCE_CREATION_TIME, VR.TM, "235959"));
    DataSet newer = TestDicom.image("1.2.3", 8);
    newer.put(TestDicom.text(TestDicom.INSTANCE_CREATION_DATE, VR.DA, "20200102"));
    newer.put(TestDicom.text(TestDicom.INSTANCE_CREATION_TIME, VR.TM, "01"));
    Path a = TestDicom.write(dir.resolve("a.dcm"), older);
    Path b = TestDicom.write(dir.resolve("b.dcm"), newer);
    assertEquals(b.toString(), resolver.resolve(parse(a, b)).kept().path());
  }

  @Test
  void creationDateTimeReadsOldAndNewForms() {
    DataSet ds = new DataSet();
    assertEquals("", DuplicateResolver.creationDateTime(ds));
    ds.put(TestDicom.text(TestDicom.INSTANCE_CREATION_DATE, VR.DA, "1998.07.14"));
    ds.put(TestDicom.text(TestDicom.INSTANCE_CREATION_TIME, VR.TM, "10:20:30.5"));
    assertEquals("19980714102030.500000", DuplicateResolver.creationDateTime(ds));
    ds.put(TestDicom.text(TestDicom.INSTANCE_CREATION_TIME, VR.TM, "1020"));
    assertEquals("19980714102000.000000", DuplicateResolver.creationDateTime(ds));
  }

  private static List<ParsedInstance> parse(Path... paths) throws IOException {
    List<ParsedInstance> out = new java.util.ArrayList<>();
    for (Path p : paths) {
      out.add(TestDicom.parse(p));
    }
    return out;
  }
}
