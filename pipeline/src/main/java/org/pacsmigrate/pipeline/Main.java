package org.pacsmigrate.pipeline;

import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.transforms.delta.IndexCommit;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.pacsmigrate.transforms.ConflictReports;
import org.pacsmigrate.transforms.Reports;
import org.pacsmigrate.transforms.reports.Summary;
import org.pacsmigrate.transforms.reconcile.ReconciliationRules;
import org.pacsmigrate.transforms.reconcile.Resolutions;
import org.pacsmigrate.transforms.reconcile.ResolutionsException;

/**
 * {@code java -jar dicomweb-migrate.jar [--input=DIR_OR_GS] [--output=DIR] [Beam options]} runs the migration;
 * {@code verify ...}, {@code export ...} and {@code serve ...} as the first argument run those subcommands instead.
 */
public final class Main {
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private Main() {}

  public static void main(String[] args) {
    BatchCompilation.applyForMigration(args);
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command and returns the process exit code (0: done; 1: failed; 2: bad arguments). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length > 0 && args[0].equals("verify")) {
        return VerifyCommand.run(args, out);
      }
      if (args.length > 0 && args[0].equals("export")) {
        return ExportCommand.run(args, out);
      }
      if (args.length > 0 && args[0].equals("bench")) {
        return BenchCommand.run(args, out);
      }
      if (args.length > 0 && args[0].equals("serve")) {
        return ServeSubcommand.run(args, out);
      }
      if (java.util.Arrays.asList(args).contains("--help")) {
        help(out);
        return 0;
      }
      if (RepeatedPasses.requested(args)) {
        return RepeatedPasses.run(args, out, java.time.Clock.systemUTC(), RepeatedPasses.SLEEP);
      }
      return migrate(args, out);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println("usage: java -jar dicomweb-migrate.jar [--input=DIR_OR_GS] [--output=DIR] [--help]");
      err.println("       java -jar dicomweb-migrate.jar " + VerifyCommand.USAGE.lines().findFirst().orElseThrow());
      err.println("       java -jar dicomweb-migrate.jar " + ExportCommand.USAGE.lines().findFirst().orElseThrow());
      err.println("       java -jar dicomweb-migrate.jar " + BenchCommand.USAGE.lines().findFirst().orElseThrow());
      err.println("       java -jar dicomweb-migrate.jar "
          + org.pacsmigrate.pipeline.serve.ServeCommand.USAGE.lines().findFirst().orElseThrow());
      return 2;
    } catch (IOException e) {
      err.println("error: " + e);
      return 1;
    } catch (Exception e) {
      // serve: the server could not start (the port is taken, say).
      err.println("error: " + e);
      return 1;
    }
  }

  /** Beam's own --help lists option interfaces, not options; an operator wants this job's options. */
  private static void help(PrintStream out) {
    out.println("usage: java -jar dicomweb-migrate.jar [--input=DIR_OR_GS] [--output=DIR] [Beam options]");
    out.println("       java -jar dicomweb-migrate.jar " + VerifyCommand.USAGE);
    out.println("       java -jar dicomweb-migrate.jar " + ExportCommand.USAGE);
    out.println("       java -jar dicomweb-migrate.jar " + BenchCommand.USAGE);
    out.println("       java -jar dicomweb-migrate.jar " + org.pacsmigrate.pipeline.serve.ServeCommand.USAGE);
    out.println();
    PipelineOptionsFactory.printHelp(out, MigrationOptions.class);
    out.println("The Cloud Storage client for gs:// locations: --help=CloudStorageOptions.");
    out.println("Beam's own options (--runner and the like): --help=PipelineOptions, --help=DirectOptions, "
        + "--help=FlinkPipelineOptions.");
  }

  /** The migration job: list, parse, group by study, write the study ZIPs, write the reports. */
  static int migrate(String[] args, PrintStream out) throws IOException {
    long start = System.currentTimeMillis();
    MigrationOptions options = options(args);
    String output = Locations.absolute(options.getOutput());
    options.setOutput(output);
    InputChecks.notEmpty(options.getInput());
    if (options.getInput() != null) {
      InputChecks.job(Locations.absolute(options.getInput()), output);
    }
    String unwritable = OutputFailures.prepare(output, options);
    if (unwritable != null) {
      out.println(unwritable);
      return 1;
    }
    if (options.getInput() == null) {
      if (output.startsWith("gs://")) {
        throw new UsageException("--input is required with a gs:// output (the sample PACS is generated locally)");
      }
      Path sample = Path.of(output, "sample-input");
      List<SamplePacs.GeneratedFile> files = SamplePacs.generate(sample, SamplePacs.SMALL);
      out.println("No --input given: generated a sample PACS of " + files.size() + " files in " + sample);
      options.setInput(sample.toString());
    }
    String input = Locations.absolute(options.getInput());
    options.setInput(input);
    if (options.getRunner() == DirectRunner.class) {
      // Return from run() at once, so the progress line can report while the job runs.
      options.as(DirectOptions.class).setBlockOnRun(false);
    }
    DirectRunnerDefaults.apply(args, options);
    FlinkRunnerDefaults.apply(args, options);

    MigrationPipeline.Reconciliation reconciliation = reconciliation(options);
    MigrationPipeline.Passes passes = RunPasses.decide(options, input, output, reconciliation, start);
    if (passes != null) {
      out.println(passes.prior().line());
    }
    Pipeline pipeline = Pipeline.create(options);
    try {
      MigrationPipeline.build(pipeline, input, output, start, reconciliation, passes);
    } catch (IllegalArgumentException e) {
      // The transforms check their configuration when constructed (an unsupported output, say).
      throw new UsageException(e.getMessage());
    }
    out.println("Migrating " + input + " to " + output + " (" + options.getRunner().getSimpleName() + ")");
    PipelineResult.State state;
    try {
      // The Direct runner returns at once; Flink's returns when the job has ended (or failed).
      PipelineResult result = pipeline.run();
      try (ProgressReporter progress = ProgressReporter.start(result, out, PROGRESS_EVERY)) {
        state = result.waitUntilFinish();
      }
    } catch (RuntimeException e) {
      OutputFailures.tidy(output, true);
      // An output that cannot be written is the job's failure, and the one line names the output.
      String outputFailure = OutputFailures.describe(output, e);
      if (outputFailure != null) {
        out.println(outputFailure);
        return 1;
      }
      // A resolutions file that does not match the findings stops the job before any ZIP: say so plainly.
      ResolutionsException bad = causeOf(e, ResolutionsException.class);
      if (bad != null) {
        out.println("error: " + bad.getMessage());
        return 1;
      }
      // The runner already logged the trace; say in one line why, and what to do.
      out.println("The job failed: " + rootCause(e) + "; rerunning into the same output is safe.");
      return 1;
    }
    OutputFailures.tidy(output, state != PipelineResult.State.DONE);
    if (state != PipelineResult.State.DONE) {
      out.println("The job ended " + state + "; rerunning into the same output is safe.");
      return 1;
    }
    if (passes != null) {
      try {
        IndexCommit.commit(passes.index());
      } catch (OutputWriteException e) {
        out.println("The job failed: cannot write the output " + output + ": " + e.getMessage());
        return 1;
      }
    }
    printResult(output, options.getDryRun(), out);
    return 0;
  }

  /** The job's options as the command line gives them; a mistake is a {@link UsageException}. */
  static MigrationOptions options(String[] args) {
    OptionsRegistration.forArgs(args, MigrationOptions.class);
    try {
      return PipelineOptionsFactory.fromArgs(args).withValidation().as(MigrationOptions.class);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The reconciliation options, read and checked before the job starts (a mistake is exit code 2). */
  private static MigrationPipeline.Reconciliation reconciliation(MigrationOptions options) throws IOException {
    try {
      ReconciliationRules rules = options.getReconciliationAttributes() == null ? ReconciliationRules.standard()
          : ReconciliationRules.load(Path.of(options.getReconciliationAttributes()));
      Resolutions resolutions = options.getResolutions() == null ? Resolutions.NONE
          : Resolutions.load(Path.of(options.getResolutions()), rules);
      return new MigrationPipeline.Reconciliation(options.getDryRun(), rules, resolutions,
          options.getModificationDateTime());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new UsageException("no such file: " + e.getFile());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst()
        .orElse(""));
  }

  private static void printResult(String output, boolean dryRun, PrintStream out) throws IOException {
    String summary = Reports.summaryPath(output);
    String json;
    // Through Beam's file systems: the output may be a bucket.
    try (InputStream in = Channels.newInputStream(FileSystems.open(FileSystems.matchNewResource(summary, false)))) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    var s = Summary.parse(json);
    out.printf("Done in %.1f s: %d files -> %d archived, %d duplicate, %d rejected, %d held; %d studies, %s in, "
            + "%s out%n", s.get("seconds").asDouble(), s.get("files").asLong(), s.get("archived").asLong(),
        s.get("duplicate").asLong(), s.get("rejected").asLong(), s.get("held").asLong(), s.get("studies").asLong(),
        ProgressReporter.bytes(s.get("bytesIn").asLong()), ProgressReporter.bytes(s.get("bytesOut").asLong()));
    if (s.path("studiesUnchanged").asLong() > 0 || s.path("studiesMissingFromSource").asLong() > 0) {
      out.printf("Delta:    %d studies written, %d left as they were (%d files), %d missing from source (kept; "
              + "%s)%n", s.get("studiesWritten").asLong(), s.get("studiesUnchanged").asLong(),
          s.get("filesUnchanged").asLong(), s.get("studiesMissingFromSource").asLong(),
          Reports.missingFromSourcePath(output));
    }
    out.println(dryRun ? "Dry run:  no archive written; the manifest gives the outcomes a run would give"
        : "Archive:  " + (output.endsWith("/") ? output : output + "/") + "archive");
    out.println("Manifest: " + Reports.manifestPath(output));
    out.println("Summary:  " + summary);
    out.println("Conflicts: " + ConflictReports.path(output, "conflicts.html") + " (patient data; also .csv, .json "
        + "and resolutions-template.csv)");
  }
}
