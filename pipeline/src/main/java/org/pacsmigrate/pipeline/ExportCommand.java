package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.pacsmigrate.format.archive.ArchiveExporter;
import org.pacsmigrate.format.archive.StudyArchive;

/** {@code export --archive=ZIP --output=DIR [--sop=UID]}: writes a study (or one instance) back as Part 10. */
final class ExportCommand {
  static final String USAGE = """
      export --archive=ZIP --output=DIR [--sop=UID]
        Writes the instances of a study ZIP (or the one with SOP Instance UID --sop) as DICOM Part 10 files
        in DIR.""";

  private ExportCommand() {}

  static int run(String[] args, PrintStream out) throws IOException {
    if (CommandArgs.wantsHelp(args, 1)) {
      out.println(USAGE);
      return 0;
    }
    CommandArgs a = CommandArgs.parse(args, 1, Set.of("archive", "output", "sop"));
    Path zip = Path.of(a.required("archive"));
    Path dir = Path.of(a.required("output"));
    try (StudyArchive archive = StudyArchive.open(zip)) {
      // An instance that cannot be exported is reported and the others are still written; exit code 1 at the end.
      ArchiveExporter.Result result = new ArchiveExporter().exportEach(archive, a.optional("sop"), dir);
      result.failures().forEach(f -> out.println("EXPORT FAILED " + f));
      out.println("exported " + result.written().size() + " file(s) to " + dir.toAbsolutePath()
          + (result.failures().isEmpty() ? "" : ", " + result.failures().size() + " instance(s) failed"));
      return result.failures().isEmpty() ? 0 : 1;
    }
  }
}
