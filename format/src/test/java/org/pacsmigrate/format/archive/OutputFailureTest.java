package org.pacsmigrate.format.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pacsmigrate.format.archive.GeneratedStudy.STUDY;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.format.io.OutputWriteException;
import org.pacsmigrate.format.io.PartialFiles;

/**
 * The writer tells a failing output (a full disk, an unwritable folder) from a failing source by type: the first
 * is an {@link OutputWriteException} however deep in the copy it happens, the second never is. The job decides on
 * that alone (fail the run, or reject the study's files).
 */
class OutputFailureTest {
  @TempDir
  static Path dir;
  static List<ArchiveInstance> instances;

  @BeforeAll
  static void sources() throws IOException {
    instances = GeneratedStudy.write(dir.resolve("sources"));
  }

  /** An output that takes {@code budget} bytes, then fails as a full disk does. */
  static final class FullDisk extends FilterChannel {
    private long budget;

    FullDisk(SeekableByteChannel channel, long budget) {
      super(channel);
      this.budget = budget;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (src.remaining() > budget) {
        throw new IOException("No space left on device");
      }
      budget -= src.remaining();
      return super.write(src);
    }
  }

  @Test
  void aFullOutputIsAnOutputFailureWhereverTheCopyIs() throws IOException {
    long size = new StudyArchiveWriter().write(STUDY, instances, new SeekableInMemoryByteChannel()).bytes();
    // From the first byte (the metadata entry), through frames copied from the sources, to the central directory.
    for (long budget : new long[] {0, 100, size / 4, size / 2, size - 200, size - 1}) {
      SeekableInMemoryByteChannel memory = new SeekableInMemoryByteChannel();
      IOException e = assertThrows(IOException.class,
          () -> new StudyArchiveWriter().write(STUDY, instances, new FullDisk(memory, budget)));
      assertTrue(e instanceof OutputWriteException, "budget " + budget + ": " + e);
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }
  }

  @Test
  void aFailingSourceIsNeverAnOutputFailure() {
    for (long budget : new long[] {0, 100, 300}) {
      IOException e = assertThrows(IOException.class, () -> new StudyArchiveWriter().write(STUDY,
          failingSource(budget), new SeekableInMemoryByteChannel()));
      assertNull(OutputWriteException.find(e), "budget " + budget + ": " + e);
    }
  }

  @Test
  void aSourceGoneSinceListingIsNeverAnOutputFailure() throws IOException {
    List<ArchiveInstance> gone = new ArrayList<>(instances);
    ArchiveInstance first = gone.get(0);
    Path missing = dir.resolve("gone.dcm");
    gone.set(0, new ArchiveInstance(first.file(), first.metadata(), SourceOpener.of(missing)));
    Path target = dir.resolve("gone/study.zip");
    IOException e = assertThrows(IOException.class,
        () -> new StudyArchiveWriter().writeAtomically(STUDY, gone, target));
    assertNull(OutputWriteException.find(e), e.toString());
    assertFalse(Files.exists(target.resolveSibling("study.zip.partial")));
  }

  @Test
  void anArchiveFolderThatIsAFileIsAnOutputFailureNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    OutputWriteException e = assertThrows(OutputWriteException.class,
        () -> new StudyArchiveWriter().writeAtomically(STUDY, instances, file.resolve("archive/study.zip")));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
  }

  @Test
  void aFailedMoveIsAnOutputFailureAndLeavesNoPartialFile() throws IOException {
    Path target = dir.resolve("move/study.zip");
    Files.createDirectories(target.resolve("occupied")); // a non-empty folder cannot be replaced by a file
    OutputWriteException e = assertThrows(OutputWriteException.class,
        () -> new StudyArchiveWriter().writeAtomically(STUDY, instances, target));
    assertEquals(target.toString(), e.location());
    assertFalse(Files.exists(dir.resolve("move/study.zip.partial")));
  }

  @Test
  void wrappedOutputFailuresAreFoundAndCopiesFromAnotherJvmByName() {
    OutputWriteException failure = new OutputWriteException("/out/archive/1.zip.partial",
        new IOException("No space left on device"));
    Exception wrapped = new RuntimeException(new IllegalStateException("bundle failed", failure));
    assertSame(failure, OutputWriteException.find(wrapped));
    // What a Flink cluster sends back: its own class, whose toString() starts with the original class name.
    Exception copy = new Exception("job failed", new Throwable(failure.getMessage()) {
      @Override
      public String toString() {
        return OutputWriteException.class.getName() + ": " + getMessage();
      }
    });
    assertNotNull(OutputWriteException.find(copy));
    // A cleanup failure suppressed behind a source's failure does not turn it into the output's.
    IOException source = new IOException("source truncated");
    source.addSuppressed(failure);
    assertNull(OutputWriteException.find(source));
  }

  @Test
  void abandoningDeletesThePartialFilesBeingWrittenAndRefusesNewOnes() throws IOException {
    Path partial = dir.resolve("abandon/study.zip.partial");
    Files.createDirectories(partial.getParent());
    try (FileChannel ch = PartialFiles.create(partial)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertEquals(1, PartialFiles.abandon(dir.resolve("abandon")));
      assertFalse(Files.exists(partial));
      OutputWriteException e = assertThrows(OutputWriteException.class,
          () -> new StudyArchiveWriter().writeAtomically(STUDY, instances, dir.resolve("abandon/other.zip")));
      assertTrue(e.getMessage().contains("stopping"), e.getMessage());
      // Elsewhere, writing goes on.
      new StudyArchiveWriter().writeAtomically(STUDY, instances, dir.resolve("elsewhere/other.zip"));
    } finally {
      PartialFiles.reset(dir.resolve("abandon"));
    }
    new StudyArchiveWriter().writeAtomically(STUDY, instances, dir.resolve("abandon/other.zip"));
    try (Stream<Path> files = Files.list(partial.getParent())) {
      assertEquals(List.of("other.zip"), files.map(p -> p.getFileName().toString()).toList());
    }
  }

  /** The study with its biggest source (the multi-frame one) failing after {@code budget} bytes. */
  private static List<ArchiveInstance> failingSource(long budget) {
    List<ArchiveInstance> list = new ArrayList<>();
    for (ArchiveInstance i : instances) {
      if (ArchiveChecks.sop(i).equals("2.25.3000.2")) {
        Path file = Path.of(i.file().source());
        list.add(new ArchiveInstance(i.file(), i.metadata(),
            () -> new FailingChannel(FileChannel.open(file, StandardOpenOption.READ), budget)));
      } else {
        list.add(i);
      }
    }
    return list;
  }
}
