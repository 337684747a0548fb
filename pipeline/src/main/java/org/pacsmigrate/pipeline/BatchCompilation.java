package org.pacsmigrate.pipeline;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.management.ObjectName;

/**
 * A short migration run compiles its Java with the JIT's quick compiler (C1) only: HotSpot's optimising compiler
 * (C2) is told to leave every method alone, through a compiler directive that the job adds to its own JVM at start
 * (the {@code Compiler.directives_add} diagnostic command), not a flag the user types.
 *
 * <p>Why: in a fresh JVM, C2 compiles without a pause through the whole run: first the start-up of Beam and
 * Flink (reflection, class loading, code generation; run once, never again), then the job's data path, mostly
 * finished after the files it was compiled for are done. It takes one of a laptop's two cores for all of it (C2
 * ran 3.2-4.4 CPU-s of an empty 5-7 s run on embedded Flink, 5.3-7.4 s of a 1 GB run), and a short run ends
 * before its faster code pays that back. Measured on 2 cores
 * (see README, "Performance"), embedded Flink's CPU s: the empty run 8.4-9.9 -> 6.1-6.8, the 1 GB run
 * 13.8-16.3 -> 8.1-9.2, 20,000 small files 26-29 -> 19-20; the Direct runner's 1 GB run 13 -> 7-9. A method whose C2 compile is refused is compiled by C1 without
 * profiling ({@code CompLevel_simple}), as {@code -XX:TieredStopAtLevel=1} would.
 *
 * <p>Only for a short run: an input of fewer than {@value #SHORT_RUN_ENTRIES} entries, counted before the
 * directive is added ({@link InputFiles#countUpTo}, which stops at that many). On a long run C2's code pays for
 * its compiling: 200,000 tiny files took 55-60 s with C2 and 74-83 s with C1 only (the same jar, alternating);
 * at 50,000 the two were even (C1 15.0-20.3 s, C2 17.5-20.0 s); at 20,000 small files C1 only took 7.5 s against
 * 13.3 s. An input it cannot count (a bucket) keeps C2. A method compiled before the count ends keeps its C2
 * code; what C2 has not compiled by then, it never does.
 *
 * <p>Only the migration's own JVM and {@code verify}'s ({@link Main#main}): not the other subcommands ({@code serve}
 * runs for days), not a caller of {@link Main#run} (tests), and not a Flink cluster's TaskManagers (their own
 * JVMs). A JVM without the command (not HotSpot) runs as before.
 */
final class BatchCompilation {
  /**
   * Every method: C2 refuses it, so the tiered policy compiles it with C1 at full speed instead. But SHA-256's
   * block function (the header digest, twice per file, and the delta index's): C2 replaces it with the CPU's
   * SHA instructions, which C1 does not have (4 KB digested 40,000 times: 2.9 s with C1, 1.1 s with C2's
   * intrinsic; 7% of the Java time of 20,000 small files with C1). The first directive that matches wins.
   */
  static final String DIRECTIVE = "[{match: [\"sun/security/provider/SHA2.implCompress0\", "
      + "\"sun/security/provider/DigestBase.implCompressMultiBlock0\"], c2: {Exclude: false}}, "
      + "{match: \"*.*\", c2: {Exclude: true}}]";

  private BatchCompilation() {}

  /**
   * {@code java -D}{@value #KEEP_C2}{@code =true -jar ...} leaves the JIT as it is (C2 for hot methods) whatever
   * the input's size.
   */
  static final String KEEP_C2 = "migrate.keepC2";

  /** Below this many entries in the input, a run is short enough for C1 only (see the class comment). */
  static final int SHORT_RUN_ENTRIES = 50_000;

  /**
   * For a migration run, unless {@value #KEEP_C2} is set: {@link #apply} on a thread of its own, so that the
   * JVM's management start-up (about 0.15 s on this machine) overlaps the job's own. Returns whether it did.
   */
  static boolean applyForMigration(String[] args) {
    if (!isMigration(args) || Boolean.getBoolean(KEEP_C2)) {
      return false;
    }
    String input = inputOf(args);
    Thread t = new Thread(() -> {
      if (InputFiles.countUpTo(input, SHORT_RUN_ENTRIES) < SHORT_RUN_ENTRIES) {
        apply();
      }
    }, "batch-compilation");
    t.setDaemon(true);
    t.start();
    return true;
  }

  /** The {@code --input=} a migration or {@code verify} reads, or null. */
  static String inputOf(String[] args) {
    for (String a : args) {
      if (a.startsWith("--input=")) {
        return a.substring("--input=".length());
      }
    }
    return null;
  }

  /**
   * Whether {@code args} start a migration run (no subcommand, no {@code --help}) or {@code verify} (a batch run
   * over every archived instance: 20,000 small files 6.5-7.8 -> 5.3-5.7 s wall, 12.5-14.8 -> 10.3-10.6 CPU-s).
   */
  static boolean isMigration(String[] args) {
    if (args.length > 0 && args[0].equals("verify")) {
      return true;
    }
    if (args.length > 0 && Arrays.asList("export", "bench", "serve").contains(args[0])) {
      return false;
    }
    return !Arrays.asList(args).contains("--help");
  }

  /**
   * Adds {@link #DIRECTIVE} to this JVM's compiler directives. Returns what the diagnostic command said, or null
   * when this JVM has no such command or it failed (the run then compiles as any JVM does).
   */
  static String apply() {
    Path file = null;
    try {
      file = Files.createTempFile("dicomweb-migrate-jit", ".json");
      Files.writeString(file, DIRECTIVE, StandardCharsets.US_ASCII);
      Object said = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
          new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
      return String.valueOf(said);
    } catch (Exception | LinkageError e) {
      return null;
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (Exception e) {
          // a temporary file left behind is no reason to stop
        }
      }
    }
  }
}
