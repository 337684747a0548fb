package org.pacsmigrate.format.archive;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pacsmigrate.format.dicom.Tag;
import org.pacsmigrate.format.p10.P10Reader;

/**
 * The archive writer alone, without the job: writes every study folder of INPUT (one study per folder, as the
 * bench command's inputs are laid out) on two threads, ROUNDS times, alternating the commons-compress path and
 * the plain writer, and prints wall and CPU seconds of each. Figures only, not a test:
 *
 * <pre>java -cp pipeline/target/dicomweb-migrate.jar:format/target/test-classes \
 *   org.pacsmigrate.format.archive.ArchiveWriteBenchmark INPUT OUTPUT [ROUNDS]</pre>
 */
public final class ArchiveWriteBenchmark {
  private ArchiveWriteBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path input = Path.of(args[0]);
    Path output = Path.of(args[1]);
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<List<ArchiveInstance>> studies = new ArrayList<>();
    try (var folders = Files.list(input)) {
      for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
        List<ArchiveInstance> instances = new ArrayList<>();
        try (var files = Files.list(folder)) {
          for (Path f : files.sorted().toList()) {
            instances.add(new ArchiveInstance(new P10Reader().read(f), SourceOpener.of(f)));
          }
        }
        studies.add(instances);
      }
    }
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int r = 0; r < rounds; r++) {
      for (boolean plain : new boolean[] {false, true}) {
        Path out = output.resolve(plain ? "plain" : "commons");
        if (Files.exists(out)) {
          try (var old = Files.walk(out)) {
            old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
        Files.createDirectories(out);
        new ProcessBuilder("sync").start().waitFor();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        for (List<ArchiveInstance> study : studies) {
          done.add(pool.submit(() -> {
            String uid = study.get(0).metadata().asciiString(Tag.StudyInstanceUID);
            return new StudyArchiveWriter(plain).writeAtomically(uid, study, out.resolve(uid + ".zip"));
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
        pool.shutdown();
        System.out.printf("round %d %-7s wall %.2f s  cpu %.2f s  load %s%n", r, plain ? "plain" : "commons",
            (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9,
            Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      }
    }
  }
}
