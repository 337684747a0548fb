package org.pacsmigrate.pipeline;

import java.io.PrintStream;
import java.util.Set;
import org.pacsmigrate.pipeline.serve.ServeCommand;

/** Parses {@code serve ...} (see {@link ServeCommand#USAGE}) and runs it. */
final class ServeSubcommand {
  private ServeSubcommand() {}

  static int run(String[] args, PrintStream out) throws Exception {
    if (CommandArgs.wantsHelp(args, 1)) {
      out.println(ServeCommand.USAGE);
      return 0;
    }
    CommandArgs a = CommandArgs.parse(args, 1, Set.of("archive", "port", "bind"));
    String archive = a.required("archive");
    if (archive.startsWith("gs://")) {
      throw new UsageException("serve reads a local folder; for a bucket, serve its objects directly "
          + "(runbooks/run-on-gcs.md) or copy the output to a local folder first");
    }
    String port = a.optional("port");
    int p;
    try {
      p = port == null ? 8042 : Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new UsageException("--port must be a number, got '" + port + "'");
    }
    if (p < 0 || p > 65535) {
      throw new UsageException("--port must be 0 to 65535");
    }
    String bind = a.optional("bind");
    return ServeCommand.run(out, new ServeCommand.Args(archive, bind == null ? "127.0.0.1" : bind, p));
  }
}
