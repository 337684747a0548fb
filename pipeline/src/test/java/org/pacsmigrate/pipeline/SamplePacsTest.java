package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.model.Outcome;

class SamplePacsTest {
  @TempDir Path dir;

  @Test
  void theDefaultSampleHasOneOfEachProblemAndIsTheSameEveryTime() throws Exception {
    List<SamplePacs.GeneratedFile> a = SamplePacs.generate(dir.resolve("a"), SamplePacs.SMALL);
    List<SamplePacs.GeneratedFile> b = SamplePacs.generate(dir.resolve("b"), SamplePacs.SMALL);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(dir.resolve("a").relativize(a.get(i).path()), dir.resolve("b").relativize(b.get(i).path()));
      assertArrayEquals(Files.readAllBytes(a.get(i).path()), Files.readAllBytes(b.get(i).path()));
    }
    Map<Outcome, Long> outcomes = a.stream().collect(Collectors.groupingBy(SamplePacs.GeneratedFile::expected,
        Collectors.counting()));
    assertEquals(2, outcomes.get(Outcome.DUPLICATE), "one exact and one conflicting duplicate");
    assertEquals(2, outcomes.get(Outcome.REJECTED), "one truncated file and one that is not DICOM");
    assertEquals(5, a.stream().map(SamplePacs.GeneratedFile::studyUid).filter(s -> !s.isEmpty()).distinct().count());
    assertEquals(1, a.stream().filter(f -> f.expected() == Outcome.HELD).map(SamplePacs.GeneratedFile::studyUid)
        .distinct().count(), "one study held for its two PatientIDs");
  }
}
