package org.pacsmigrate.transforms;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The job's Beam counters, under one namespace so the console progress line and a runner's UI find them. They
 * count files and bytes, never carry values.
 */
public final class MigrationMetrics {
  public static final String NAMESPACE = "migration";
  public static final String FILES_LISTED = "filesListed";
  public static final String FILES_PARSED = "filesParsed";
  public static final String FILES_REJECTED = "filesRejected";
  public static final String DUPLICATES = "duplicates";
  public static final String STUDIES_WRITTEN = "studiesWritten";
  /** Studies a delta run left as an earlier run wrote them. */
  public static final String STUDIES_UNCHANGED = "studiesUnchanged";
  /** Files a delta run took from the index instead of reading their header again. */
  public static final String FILES_UNCHANGED = "filesUnchanged";
  public static final String STUDIES_FAILED = "studiesFailed";
  public static final String STUDIES_HELD = "studiesHeld";
  public static final String INSTANCES_RECONCILED = "instancesReconciled";
  public static final String BYTES_WRITTEN = "bytesWritten";
  /** 1 once the input's listing is complete (then {@link #FILES_LISTED} is the total). */
  public static final String LISTING_COMPLETE = "listingComplete";
  /** Files whose outcome is settled (archived, duplicate, rejected or held), and their bytes. */
  public static final String FILES_DONE = "filesDone";
  public static final String BYTES_DONE = "bytesDone";

  private MigrationMetrics() {}

  public static Counter counter(String name) {
    return Metrics.counter(NAMESPACE, name);
  }
}
