package org.pacsmigrate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Opens a local page in headless Chromium (Debian's {@code chromium}, which .ci/run installs): a screenshot, and
 * the DOM after the page's scripts ran. Each run gets a new profile folder and no network features, so nothing
 * outside the page is fetched. Skipped, visibly, where Chromium is not installed.
 */
final class Chromium {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 90;

  /** The rendered DOM and where the screenshot is. */
  record Rendered(String dom, Path screenshot) {
    /** The number shown in the element with this id, as in {@code <span id="count-blocking">3</span>}. */
    long count(String id) {
      Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\">(\\d+)<").matcher(dom);
      assertTrue(m.find(), "no element with id " + id + " holding a number");
      return Long.parseLong(m.group(1));
    }
  }

  private Chromium() {}

  static Rendered render(Path page, Path screenshot) throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      String message = "SKIPPED: " + BINARY + " is not installed (apt-get install chromium; .ci/run does)";
      System.err.println(message);
      Assumptions.abort(message);
    }
    Files.createDirectories(screenshot.toAbsolutePath().getParent());
    Files.deleteIfExists(screenshot);
    String url = page.toAbsolutePath().toUri().toString();
    run(List.of("--screenshot=" + screenshot.toAbsolutePath(), "--window-size=1280,2000", url));
    assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the page: " + screenshot);
    byte[] png = Files.readAllBytes(screenshot);
    assertEquals(0x89, png[0] & 0xFF, "a PNG");
    System.out.println("Chromium screenshot of " + page.getFileName() + ": " + screenshot.toAbsolutePath());
    return new Rendered(run(List.of("--dump-dom", url)), screenshot);
  }

  /** Runs Chromium headless with these arguments; returns what it printed on standard output. */
  private static String run(List<String> args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory("chromium-profile-");
    Path stdout = Files.createTempFile("chromium-", ".out");
    Path stderr = Files.createTempFile("chromium-", ".err");
    try {
      List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
          "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
      command.addAll(args);
      Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
          .start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command);
      }
      String err = Files.readString(stderr, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), "chromium exit code; it printed:\n" + err);
      return Files.readString(stdout, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
      try (Stream<Path> s = Files.walk(profile)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }
}
