package org.pacsmigrate.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared third-party corpus, located by the {@code corpus.dir} system property (the same rule as format's
 * conformance tests): tests that need it are skipped, loudly, when it is absent; CI always passes it.
 */
final class Corpus {
  private Corpus() {}

  static Path dir() {
    String dir = System.getProperty("corpus.dir", "");
    if (dir.isBlank() || !Files.isDirectory(Path.of(dir))) {
      String message = "SKIPPED: corpus tests need -Dcorpus.dir=<path to shared/corpus> (got '" + dir + "')";
      System.err.println(message);
      Assumptions.abort(message);
    }
    return Path.of(dir).toAbsolutePath().normalize();
  }
}
