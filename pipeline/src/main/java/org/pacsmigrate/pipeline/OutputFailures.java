package org.pacsmigrate.pipeline;

import java.io.IOException;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.io.OutputFolder;

/**
 * What the launcher does about the output around a run: prepares it ({@link OutputFolder#prepare}), tidies it
 * after ({@link OutputFolder#tidy}), and turns an output that cannot be written into the job's one line:
 * {@code The job failed: cannot write the output OUTPUT: {file}: {reason}; ...}. Exit code 1: the sources are
 * not to blame, and a rerun once the output is fixed is safe.
 */
final class OutputFailures {
  static final String PREFIX = "The job failed: cannot write the output ";

  private OutputFailures() {}

  /**
   * Prepares the output; returns the line to print when it cannot be written, else null.
   *
   * @throws UsageException when the output is not a folder (exit code 2)
   */
  static String prepare(String output, PipelineOptions options) {
    try {
      FileSystems.setDefaultPipelineOptions(options); // the gs:// file system, with the job's client
      OutputFolder.prepare(output);
      return null;
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } catch (IOException e) {
      return line(output, e) + "; nothing was written: make the output writable (a read-only or full file system, "
          + "permissions) and run again";
    }
  }

  static void tidy(String output, boolean failed) {
    OutputFolder.tidy(output, failed);
  }

  /** The line for a failed run whose cause is the output, else null (the failure is something else). */
  static String describe(String output, Throwable failure) {
    Throwable cause = OutputWriteException.find(failure);
    return cause == null ? null : line(output, cause) + "; the studies already written are complete: free space or "
        + "fix the output, then rerun into the same output (safe)";
  }

  private static String line(String output, Throwable cause) {
    String message = cause instanceof OutputWriteException ? cause.getMessage()
        : String.valueOf(cause.getMessage()).replaceFirst("^" + OutputWriteException.class.getName() + ": ", "");
    return PREFIX + output + ": " + message.lines().findFirst().orElse("");
  }
}
