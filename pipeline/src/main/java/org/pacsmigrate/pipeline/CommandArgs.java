package org.pacsmigrate.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name=value} arguments of the verify and export subcommands, checked against the names they take. */
final class CommandArgs {
  private final Map<String, String> values = new LinkedHashMap<>();

  private CommandArgs() {}

  /** @throws UsageException for an unknown name or a missing value, naming it */
  static CommandArgs parse(String[] args, int from, Set<String> names) {
    CommandArgs parsed = new CommandArgs();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new UsageException("expected --name=value, got '" + a + "'");
      }
      String name = a.substring(2, eq);
      if (!names.contains(name)) {
        throw new UsageException("unknown option --" + name + " (takes " + names + ")");
      }
      parsed.values.put(name, a.substring(eq + 1));
    }
    return parsed;
  }

  static boolean wantsHelp(String[] args, int from) {
    for (int i = from; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        return true;
      }
    }
    return false;
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null || v.isBlank()) {
      throw new UsageException("--" + name + " is required");
    }
    return v;
  }

  String optional(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? null : v;
  }
}
