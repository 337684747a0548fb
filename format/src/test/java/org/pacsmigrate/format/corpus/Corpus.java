package org.pacsmigrate.format.corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared third-party corpus (pydicom's test files), located by the {@code corpus.dir} system property.
 * Tests that need it are skipped, loudly, when it is absent; CI always passes it.
 */
public final class Corpus {
  /** Files a careful reader must reject, and why (the conformance tests assert the rejection). */
  public static final Set<String> REJECTED = Set.of(
      "MR_truncated.dcm",      // Pixel Data claims more bytes than the file holds
      "rtplan_truncated.dcm",  // a sequence claims more bytes than the file holds
      "no_meta.dcm");          // a stray byte before the first element; dcmtk rejects it too

  private Corpus() {}

  public static Path dir() {
    String dir = System.getProperty("corpus.dir", "");
    if (dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
      String message = "SKIPPED: corpus tests need -Dcorpus.dir=<path to shared/corpus> (got '" + dir + "')";
      System.err.println(message);
      Assumptions.abort(message);
    }
    return Path.of(dir);
  }

  public static List<Path> files() {
    try (Stream<Path> s = Files.walk(dir())) {
      return s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean expectRejected(Path file) {
    return REJECTED.contains(file.getFileName().toString());
  }
}
