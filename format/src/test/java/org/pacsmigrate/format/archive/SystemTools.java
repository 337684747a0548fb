package org.pacsmigrate.format.archive;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Independent readers found on the PATH; tests that need one skip, loudly, when it is missing. */
final class SystemTools {
  private SystemTools() {}

  static void requireTool(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return;
      }
    }
    String message = "SKIPPED: " + name + " is not on the PATH";
    System.err.println(message);
    Assumptions.abort(message);
  }
}
