package org.pacsmigrate.transforms.delta;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a run finds of earlier runs in its output, decided before the job starts and said in one line: a delta
 * run against the last complete run's index (and the journals of a later run that stopped before its end), a
 * resumed run (only such journals), or a full run, with the reason (none, {@code --full}, another source or other
 * settings, a corrupt index).
 *
 * @param journals the journal files the job reads its prior knowledge from; empty for a full run
 */
public record PriorRun(Kind kind, List<String> journals, String line) {
  public enum Kind { FULL, DELTA, RESUME }

  public static PriorRun full(String why) {
    return new PriorRun(Kind.FULL, List.of(), "Full run: " + why);
  }

  /** About how many records the journals hold (a lean record is a few hundred bytes). */
  public long expectedRecords() {
    long bytes = 0;
    for (String j : journals) {
      try {
        bytes += Files.size(Path.of(j));
      } catch (IOException e) {
        // gone since: it will be read as empty
      }
    }
    return bytes / 400;
  }

  public boolean isFull() {
    return kind == Kind.FULL;
  }

  /**
   * @param full {@code --full}: read everything whatever the index says
   */
  public static PriorRun find(String output, IndexIdentity identity, boolean full) {
    if (full) {
      return full("--full given; every file is read and every study written again.");
    }
    Path folder = RunIndex.folderOf(output);
    if (!Files.isDirectory(folder)) {
      return full("no index of an earlier run in " + folder + ".");
    }
    IndexCommit.Contents committed;
    try {
      committed = IndexCommit.read(folder);
    } catch (IOException e) {
      return full("the index in " + folder + " is corrupt (" + e.getMessage() + ").");
    }
    List<String> journals = new ArrayList<>();
    long after = Long.MIN_VALUE;
    if (committed != null) {
      String foreign = foreign(committed.header().identity(), identity);
      if (foreign != null) {
        return full("the index in " + folder + " is of " + foreign + ".");
      }
      for (IndexCommit.Sealed s : committed.journals()) {
        Path f = folder.resolve(s.name());
        try {
          if (!RunIndex.isJournal(f) || !Files.isRegularFile(f)) {
            return full("the index in " + folder + " is corrupt (" + s.name() + " is missing).");
          }
          if (Files.size(f) != s.length() || IndexCommit.crc32c(f) != s.crc32c()) {
            return full("the index in " + folder + " is corrupt (" + s.name() + " has changed since it was "
                + "written).");
          }
        } catch (IOException e) {
          return full("the index in " + folder + " is corrupt (" + s.name() + ": " + e.getMessage() + ").");
        }
        journals.add(f.toString());
      }
      after = committed.header().runStarted();
    }
    // Journals no seal names: a later run (or the first) that stopped before its end. Its records are as good as
    // the seal's, read last so they win; a torn last record is dropped when read.
    List<String> resumed = new ArrayList<>();
    long resumedRun = 0;
    try (Stream<Path> files = Files.list(folder)) {
      for (Path f : files.filter(RunIndex::isJournal).sorted().toList()) {
        if (journals.contains(f.toString())) {
          continue;
        }
        IndexJournal.Header h;
        try {
          h = IndexJournal.readHeader(f);
        } catch (IOException e) {
          continue; // cut short while its header was written: it holds nothing
        }
        if (foreign(h.identity(), identity) == null && h.runStarted() > after) {
          resumed.add(f.toString());
          resumedRun = Math.max(resumedRun, h.runStarted());
        }
      }
    } catch (IOException e) {
      return full("the index in " + folder + " cannot be listed (" + e.getMessage() + ").");
    }
    journals.addAll(resumed);
    if (committed == null && resumed.isEmpty()) {
      return full("no complete index of an earlier run of this source in " + folder + ".");
    }
    if (committed == null) {
      return new PriorRun(Kind.RESUME, List.copyOf(journals), "Resuming the run of " + when(resumedRun)
          + ", which stopped before its end: the files it read and the studies it wrote are not done again ("
          + folder + "; --full to redo everything).");
    }
    return new PriorRun(Kind.DELTA, List.copyOf(journals), "Delta run: only files new or changed since the run of "
        + when(committed.header().runStarted()) + " are read, and only their studies written"
        + (resumed.isEmpty() ? "" : "; resuming the run of " + when(resumedRun) + ", which stopped before its end")
        + " (" + folder + "; --full to redo everything).");
  }

  /** Null when the index is of this source and settings; else what it is of, for the one line. */
  static String foreign(IndexIdentity found, IndexIdentity expected) {
    if (!found.source().equals(expected.source())) {
      return "another source (" + found.source() + ")";
    }
    if (!found.settings().equals(expected.settings())) {
      Map<String, String> was = settings(found.settings());
      Map<String, String> now = settings(expected.settings());
      StringBuilder diff = new StringBuilder();
      for (String key : new TreeSet<>(union(was.keySet(), now.keySet()))) {
        String a = was.getOrDefault(key, "");
        String b = now.getOrDefault(key, "");
        if (!a.equals(b)) {
          diff.append(diff.length() == 0 ? "" : ", ").append(key);
          // Long or patient-related values (the attribute list, a file's digest) are named, not shown.
          if (a.length() <= 40 && b.length() <= 40 && !key.equals("reference") && !key.equals("recorded")) {
            diff.append(" ").append(a.isEmpty() ? "(none)" : a).append(" -> ").append(b.isEmpty() ? "(none)" : b);
          }
        }
      }
      return "a run with other settings (" + diff + ")";
    }
    return null;
  }

  private static Map<String, String> settings(String s) {
    Map<String, String> m = new TreeMap<>();
    for (String part : s.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        m.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return m;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new TreeSet<>(a);
    u.addAll(b);
    return u;
  }

  private static String when(long millis) {
    return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
