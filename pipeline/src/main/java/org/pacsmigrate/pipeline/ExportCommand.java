package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
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
      List<Path> written = new ArchiveExporter().export(archive, a.optional("sop"), dir);
      out.println("exported " + written.size() + " file(s) to " + dir.toAbsolutePath());
    }
    return 0;
  }
}
