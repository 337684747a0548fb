package org.pacsmigrate.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted for one test, to fill an output disk or make it read-only for real (root ignores
 * permissions, so a chmod proves nothing). Needs root and a system that allows mounts; otherwise the test is
 * skipped with a message saying so. Unmounted by {@link #close()}; only what this class mounted is touched.
 */
final class SmallDisk implements AutoCloseable {
  private final Path dir;
  private final List<Path> mounted = new ArrayList<>();

  private SmallDisk(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code kib} KiB on {@code dir} (created), or skips the test, visibly. */
  static SmallDisk mount(Path dir, long kib) throws IOException, InterruptedException {
    String uid = exec("id", "-u").trim();
    if (!uid.equals("0")) {
      skip("it mounts a small tmpfs, which needs root (uid " + uid + ")");
    }
    Files.createDirectories(dir);
    SmallDisk disk = new SmallDisk(dir);
    try {
      run("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", dir.toString());
    } catch (IOException e) {
      skip("this system refuses to mount a tmpfs: " + e.getMessage());
    }
    disk.mounted.add(dir);
    return disk;
  }

  Path dir() {
    return dir;
  }

  /** Makes the file system read-only (for every user, root included). */
  void readOnly() throws IOException, InterruptedException {
    run("mount", "-o", "remount,ro", dir.toString());
  }

  /** Gives the file system {@code kib} KiB, keeping what it holds. */
  void resize(long kib) throws IOException, InterruptedException {
    run("mount", "-o", "remount,size=" + kib + "k", dir.toString());
  }

  /** A read-only view of {@code folder} (below this disk or anywhere), mounted over it; undone by close(). */
  void readOnlyBind(Path folder) throws IOException, InterruptedException {
    run("mount", "--bind", folder.toString(), folder.toString());
    mounted.add(0, folder);
    run("mount", "-o", "remount,bind,ro", folder.toString());
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Path p : mounted) {
      run("umount", p.toString());
    }
    mounted.clear();
  }

  private static void skip(String why) {
    String message = "SKIPPED: " + why;
    System.err.println(message);
    Assumptions.abort(message);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    exec(command);
  }

  private static String exec(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": no answer in 60 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.trim());
    }
    return out;
  }
}
