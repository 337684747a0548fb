package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pacsmigrate.transforms.MigrationMetrics;

class ProgressReporterTest {

  @Test
  void beforeTheListingIsCompleteNoShareNorTimeLeftIsGuessed() {
    String line = ProgressReporter.line(Map.of(MigrationMetrics.FILES_LISTED, 500L,
        MigrationMetrics.FILES_DONE, 100L, MigrationMetrics.BYTES_DONE, 20_000_000L), 10, -1, 0);
    assertTrue(line.contains("100 files done, 2.0 MB/s"), line);
    assertFalse(line.contains("%"), line);
    assertFalse(line.contains("left"), line);
  }

  @Test
  void onceListedTheShareDoneAndTheTimeLeftFollowTheRateSinceTheListing() {
    // Listed at 10 s with nothing done; at 70 s a quarter is done: three quarters take about 3 minutes more.
    String line = ProgressReporter.line(Map.of(MigrationMetrics.FILES_LISTED, 4_000L,
        MigrationMetrics.LISTING_COMPLETE, 1L, MigrationMetrics.FILES_DONE, 1_000L,
        MigrationMetrics.BYTES_DONE, 700_000_000L), 70, 10, 0);
    assertTrue(line.contains("1,000 files done, 10.0 MB/s, 25%, about 0:03:00 left"), line);
  }

  @Test
  void nothingDoneYetAndAllDoneAreSaidSo() {
    Map<String, Long> listed = Map.of(MigrationMetrics.FILES_LISTED, 10L, MigrationMetrics.LISTING_COMPLETE, 1L);
    assertTrue(ProgressReporter.line(listed, 5, 1, 0).contains("0%, time left: estimated once the first studies"));
    Map<String, Long> all = Map.of(MigrationMetrics.FILES_LISTED, 10L, MigrationMetrics.LISTING_COMPLETE, 1L,
        MigrationMetrics.FILES_DONE, 10L);
    assertTrue(ProgressReporter.line(all, 5, 1, 0).contains("100%, finishing the reports"));
  }
}
