package org.pacsmigrate.pipeline;

import java.nio.file.Path;
import java.util.regex.Pattern;

/** Input and output locations as the job uses them: URLs as given, local paths made absolute. */
final class Locations {
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  private Locations() {}

  /**
   * Absolute, because the manifest's paths are the listed ones and should name the file wherever the reports
   * are read; and because workers need not share the launcher's working directory.
   */
  static String absolute(String location) {
    if (URL.matcher(location).find()) {
      return location;
    }
    return Path.of(location).toAbsolutePath().normalize().toString();
  }
}
