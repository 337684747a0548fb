package org.pacsmigrate.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Selenium (chromedriver from the chromium-driver package; .ci/run
 * installs both): a fresh profile folder, no network features, downloads into a folder of the test's. Skipped,
 * visibly, where either is missing. Closing it quits the browser and the driver it started, and deletes the
 * profile.
 */
final class ReviewBrowser implements AutoCloseable {
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final ChromeDriver driver;
  final Path downloads;
  private final Path profile;

  private ReviewBrowser(ChromeDriver driver, Path downloads, Path profile) {
    this.driver = driver;
    this.downloads = downloads;
    this.profile = profile;
  }

  static ReviewBrowser open(Path downloads) throws IOException {
    for (Path p : new Path[] {Chromium.BINARY, CHROMEDRIVER}) {
      if (!Files.isExecutable(p)) {
        String message = "SKIPPED: " + p + " is not installed (apt-get install chromium chromium-driver; .ci/run does)";
        System.err.println(message);
        Assumptions.abort(message);
      }
    }
    Files.createDirectories(downloads);
    Path profile = Files.createTempDirectory("chromium-profile-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(Chromium.BINARY.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1400,1000");
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
        "download.prompt_for_download", false, "safebrowsing.enabled", false));
    // The driver is given: Selenium Manager (which would download one) never runs.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    return new ReviewBrowser(driver, downloads, profile);
  }

  /** Opens the page and waits until its script has run; returns the milliseconds the page reports it took. */
  long load(Path page) {
    driver.get(page.toAbsolutePath().toUri().toString());
    waitFor(Duration.ofSeconds(120), d -> "ready".equals(d.findElement(By.tagName("body")).getAttribute("data-filters")));
    return Long.parseLong(driver.findElement(By.tagName("body")).getAttribute("data-ready-ms"));
  }

  void waitFor(Duration timeout, java.util.function.Function<WebDriver, Boolean> condition) {
    new WebDriverWait(driver, timeout).until(condition::apply);
  }

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  long number(String id) {
    return Long.parseLong(byId(id).getText().strip());
  }

  /** Waits for a finished download of this name (Chromium writes a .crdownload first). */
  Path downloaded(String name) {
    Path file = downloads.resolve(name);
    waitFor(Duration.ofSeconds(30), d -> Files.isRegularFile(file) && !Files.exists(downloads.resolve(name
        + ".crdownload")));
    return file;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> s = Files.walk(profile)) {
        for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }
}
