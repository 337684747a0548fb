package org.pacsmigrate.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code bench}: generates inputs of a chosen size and measures, in one run and side by side, {@code cp -r} of
 * each input, the migration on each runner (each a JVM of its own with the same {@code -Xmx}) and {@code verify}
 * of the result, after an empty-input run per runner (the fixed start cost, subtracted before comparing with the
 * copy). Prints a table to stdout and to a file. Figures, not assertions: nothing here fails on a slow run.
 */
final class BenchCommand {
  static final String USAGE = """
      bench [--workdir=DIR] [--small=20000] [--large-mb=1000] [--tiny=0] [--runners=direct,flink] [--heap=512m]
            [--jar=PATH] [--timeout=900] [--keep]
        Generates the inputs (small: N instances of 64x64x16-bit, 100 per study; large: CT-like 512x512x16-bit
        files and two multi-frame instances, about N MB; tiny: N instances of 8x8x16-bit; 0 skips one) in DIR
        (default: a new temporary folder), then times cp -r of each input (sync before and after), the migration
        of the jar under test (--jar, default this one) in a child JVM with -Xmx{heap} on each runner (direct,
        flink: embedded Flink) and verify of the first runner's output, after an empty-input run per runner. Prints
        files/s, MB/s, wall time, (run - empty run) / cp, the largest heap after GC (-Xlog:gc) and the peak RSS
        (VmHWM) of each run, and writes the table to DIR/bench-results.txt. Inputs are deleted unless --keep.""";

  private static final Set<String> NAMES = Set.of("workdir", "small", "large-mb", "tiny", "runners", "heap", "jar",
      "timeout", "keep");
  private static final Map<String, List<String>> RUNNERS = Map.of(
      "direct", List.of(),
      "flink", List.of("--runner=FlinkRunner", "--flinkMaster=[local]"));

  /** One line of the table. */
  record Row(String input, String run, long files, long bytes, MeasuredProcess.Result result, Double netVsCopy) {}

  private final Path work;
  private final Path jar;
  private final String heap;
  private final List<String> runners;
  private final Duration timeout;
  private final PrintStream out;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Duration> emptyRun = new LinkedHashMap<>();
  private final String loadAtStart = loadAverage();

  private BenchCommand(Path work, Path jar, String heap, List<String> runners, Duration timeout, PrintStream out) {
    this.work = work;
    this.jar = jar;
    this.heap = heap;
    this.runners = runners;
    this.timeout = timeout;
    this.out = out;
  }

  static int run(String[] args, PrintStream out) throws IOException {
    if (CommandArgs.wantsHelp(args, 1)) {
      out.println(USAGE);
      return 0;
    }
    // --keep is a flag; CommandArgs takes --name=value only.
    String[] normalised = Arrays.stream(args).map(a -> a.equals("--keep") ? "--keep=true" : a)
        .toArray(String[]::new);
    CommandArgs a = CommandArgs.parse(normalised, 1, NAMES);
    int small = count(a, "small", 20000);
    int largeMb = count(a, "large-mb", 1000);
    int tiny = count(a, "tiny", 0);
    String heap = a.optional("heap") == null ? "512m" : a.optional("heap");
    if (!heap.matches("\\d+[kKmMgG]?")) {
      throw new UsageException("--heap takes a JVM size such as 512m, got '" + heap + "'");
    }
    List<String> runners = a.optional("runners") == null ? List.of("direct", "flink")
        : List.of(a.optional("runners").split(","));
    for (String r : runners) {
      if (!RUNNERS.containsKey(r)) {
        throw new UsageException("unknown runner '" + r + "' (takes direct, flink)");
      }
    }
    Path jar = a.optional("jar") == null ? thisJar() : Path.of(a.optional("jar")).toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new UsageException("no jar at " + jar);
    }
    Duration timeout = Duration.ofSeconds(count(a, "timeout", 900));
    Path work = a.optional("workdir") == null ? Files.createTempDirectory("dicomweb-migrate-bench-")
        : Files.createDirectories(Path.of(a.optional("workdir")).toAbsolutePath());
    boolean keep = "true".equals(a.optional("keep"));
    BenchCommand bench = new BenchCommand(work, jar, heap, runners, timeout, out);
    try {
      return bench.measure(small, largeMb, tiny, keep);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private int measure(int small, int largeMb, int tiny, boolean keep) throws IOException, InterruptedException {
    out.println("Benchmark of " + jar + " in " + work + " (" + Runtime.getRuntime().availableProcessors()
        + " cores, child JVMs with -Xmx" + heap + ")");
    Path empty = Files.createDirectories(work.resolve("inputs/empty"));
    for (String runner : runners) {
      Row row = migrate("(empty)", runner, empty, 0, 0);
      emptyRun.put(runner, row.result().wall());
    }
    if (small > 0) {
      measureInput("small", work.resolve("inputs/small"), keep, dir -> BenchInputs.small(dir, small));
    }
    if (largeMb > 0) {
      measureInput("large", work.resolve("inputs/large"), keep, dir -> BenchInputs.large(dir, largeMb));
    }
    if (tiny > 0) {
      measureInput("tiny", work.resolve("inputs/tiny"), keep, dir -> BenchInputs.tiny(dir, tiny));
    }
    String table = table();
    out.print(table);
    Path results = work.resolve("bench-results.txt");
    Files.writeString(results, table, StandardCharsets.UTF_8);
    out.println("Written to " + results);
    return rows.stream().allMatch(r -> r.result() == null || r.result().ok()) ? 0 : 1;
  }

  private interface Generator {
    BenchInputs.Written generate(Path dir) throws IOException;
  }

  private void measureInput(String kind, Path input, boolean keep, Generator generator)
      throws IOException, InterruptedException {
    deleteTree(input);
    long t = System.nanoTime();
    BenchInputs.Written w = generator.generate(input);
    String name = kind + " " + w.files();
    out.printf(Locale.ROOT, "Generated %s: %d files, %.1f MB in %.1f s%n", kind, w.files(), w.bytes() / 1e6,
        (System.nanoTime() - t) / 1e9);

    Path copy = work.resolve("copy");
    deleteTree(copy);
    sync();
    MeasuredProcess.Result cp = MeasuredProcess.run(List.of("sh", "-c", "cp -r \"$0\" \"$1\" && sync",
        input.toString(), copy.toString()), work.resolve("logs").resolve(kind + "-cp.log"), timeout);
    rows.add(new Row(name, "cp -r", w.files(), w.bytes(), cp, 1.0));
    report(rows.get(rows.size() - 1));
    deleteTree(copy);

    Path verified = null;
    for (String runner : runners) {
      Row row = migrate(name, runner, input, w.files(), w.bytes());
      Path output = work.resolve("outputs").resolve(kind + "-" + runner);
      if (row.result().ok() && verified == null) {
        verified = output;
        Path log = work.resolve("logs").resolve(kind + "-verify.log");
        MeasuredProcess.Result v = MeasuredProcess.run(java(kind + "-verify", "verify", "--archive=" + output,
            "--input=" + input), log, timeout, work.resolve("logs").resolve(kind + "-verify.gc.log"));
        Row verify = new Row(name, "verify (" + runner + ")", w.files(), w.bytes(), v, null);
        rows.add(verify);
        report(verify);
      }
    }
    deleteTree(work.resolve("outputs"));
    if (!keep) {
      deleteTree(input);
    }
  }

  private Row migrate(String name, String runner, Path input, long files, long bytes)
      throws IOException, InterruptedException {
    String id = (files == 0 ? "empty" : name.substring(0, name.indexOf(' '))) + "-" + runner;
    Path output = work.resolve("outputs").resolve(id);
    deleteTree(output);
    List<String> args = new ArrayList<>(List.of("--input=" + input, "--output=" + output));
    args.addAll(RUNNERS.get(runner));
    sync();
    MeasuredProcess.Result r = MeasuredProcess.run(java(id, args.toArray(String[]::new)),
        Files.createDirectories(work.resolve("logs")).resolve(id + ".log"), timeout,
        work.resolve("logs").resolve(id + ".gc.log"));
    Duration empty = emptyRun.get(runner);
    Double net = null;
    Row copy = rows.stream().filter(x -> x.input().equals(name) && x.run().equals("cp -r")).findFirst()
        .orElse(null);
    if (files > 0 && empty != null && copy != null && r.ok()) {
      net = (r.wall().toNanos() - empty.toNanos()) / (double) copy.result().wall().toNanos();
    }
    Row row = new Row(name, runner, files, bytes, r, net);
    rows.add(row);
    report(row);
    if (!r.ok()) {
      out.println("  " + runner + " on " + name + " ended " + r.outcome() + "; the end of its output ("
          + r.log() + "):");
      MeasuredProcess.tail(r.log(), 5).lines().forEach(l -> out.println("    " + l));
    }
    if (files == 0) {
      deleteTree(output);
    }
    return row;
  }

  private List<String> java(String id, String... args) throws IOException {
    Path logs = Files.createDirectories(work.resolve("logs"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx" + heap, "-Xlog:gc:file=" + logs.resolve(id + ".gc.log"), "-jar", jar.toString()));
    command.addAll(List.of(args));
    return command;
  }

  /** One line as each run ends, so a long benchmark shows where it is. */
  private void report(Row row) {
    out.printf(Locale.ROOT, "  %-14s %-16s %8.1f s  %s%n", row.input(), row.run(), row.result().wall().toMillis()
        / 1000.0, row.result().outcome());
  }

  private String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%n%s, jar %s, %d cores, -Xmx%s, load average at the start %s, at the "
        + "end %s%n", Instant.now().truncatedTo(ChronoUnit.SECONDS), jar, Runtime.getRuntime().availableProcessors(),
        heap, loadAtStart, loadAverage()));
    String format = "%-14s %-16s %8s %9s %8s %9s %8s %8s %8s %8s  %s%n";
    b.append(String.format(Locale.ROOT, format, "input", "run", "files", "MB", "wall s", "files/s", "MB/s",
        "net/cp", "heap MB", "RSS MB", "result"));
    for (Row r : rows) {
      double s = r.result().wall().toNanos() / 1e9;
      b.append(String.format(Locale.ROOT, format, r.input(), r.run(), r.files(),
          String.format(Locale.ROOT, "%.1f", r.bytes() / 1e6), String.format(Locale.ROOT, "%.1f", s),
          r.files() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", r.files() / s),
          r.files() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.bytes() / 1e6 / s),
          r.netVsCopy() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.netVsCopy()),
          mb(r.result().heapAfterGc()), r.run().equals("cp -r") ? "-" : mb(r.result().peakRss()),
          r.result().outcome()));
    }
    b.append("net/cp: (wall - the runner's empty-input run) / wall of cp -r (sync before, cp and sync timed). "
        + "heap MB: the largest heap in use after a GC (-Xlog:gc; '-' when no GC ran); RSS MB: peak resident set "
        + "(VmHWM) of the child process.\n");
    return b.toString();
  }

  /** The 1-minute load average: a shared machine's figures are only comparable with it. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "-" : Long.toString(Math.round(bytes / 1048576.0));
  }

  private static void sync() throws IOException, InterruptedException {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  private static int count(CommandArgs a, String name, int fallback) {
    String v = a.optional(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " takes a number >= 0, got '" + v + "'");
    }
  }

  /** The jar this class was loaded from: what {@code java -jar} runs by default. */
  private static Path thisJar() {
    try {
      Path p = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(p)) {
        return p;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // Fall through: not run from a jar.
    }
    throw new UsageException("not run from the jar: give --jar=PATH of dicomweb-migrate.jar");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
