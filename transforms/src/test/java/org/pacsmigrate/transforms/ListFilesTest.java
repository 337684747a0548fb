package org.pacsmigrate.transforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pacsmigrate.transforms.io.SourceChannels;
import org.pacsmigrate.transforms.io.SourcePaths;
import org.pacsmigrate.transforms.model.ListedFile;
import org.pacsmigrate.transforms.model.ManifestRow;
import org.pacsmigrate.transforms.model.Outcome;

/**
 * The listing on hostile trees: every directory entry is a file to parse or a manifest row, whatever its name's
 * bytes, whatever it is (FIFO, socket, link), and links are followed only when asked, once per real file.
 */
class ListFilesTest {
  @TempDir Path tmp;

  @Test
  void matchesEverythingBelowTheInput() {
    assertEquals("/pacs/**", ListFiles.pattern("/pacs"));
    assertEquals("gs://bucket/pacs/**", ListFiles.pattern("gs://bucket/pacs/"));
  }

  @Test
  void refusesAnInputThatWouldBeReadAsAPattern() {
    assertThrows(IllegalArgumentException.class, () -> ListFiles.under("gs://bucket/pacs/[old]"));
    assertThrows(IllegalArgumentException.class, () -> ListFiles.under("gs://bucket/pacs/*"));
    assertThrows(IllegalArgumentException.class, () -> ListFiles.under(" "));
    ListFiles.under("gs://bucket/pacs/old (2009)");
    // A folder is walked, not matched: its name may hold anything.
    ListFiles.under("/pacs/[old] {2009}*");
  }

  /** Before: Beam's local glob dropped the names with a line break and decoded the others lossily. */
  @Test
  void everyNameIsListedOnceByItsBytes() throws IOException {
    Path in = Files.createDirectory(tmp.resolve("in"));
    String root = SourcePaths.of(in);
    List<String> names = List.of("/new%0Aline.dcm", "/cr%0Dname.dcm", "/sep%E2%80%A8.dcm", "/nel%C2%85.dcm",
        "/caf%E9.dcm", "/M%FCller/x.dcm", "/100%25.dcm", "/ok é.dcm", "/plain.dcm");
    List<ListedFile> expected = new ArrayList<>();
    for (String name : names) {
      Path file = SourcePaths.toPath(root + name);
      Files.createDirectories(file.getParent());
      Files.write(file, new byte[name.length()]);
      expected.add(new ListedFile(root + name, name.length()));
    }
    assertEquals(names.size(), countFiles(in), "the files were made with these names");

    TestPipeline p = pipeline();
    PCollectionTuple listing = p.apply(ListFiles.under(in.toString()));
    PAssert.that(withoutTimes(listing.get(ListFiles.FILES))).containsInAnyOrder(expected);
    PAssert.that(listing.get(ListFiles.ACCOUNTED)).empty();
    p.run().waitUntilFinish();
  }

  /** Chunking: more files than one chunk holds, in several folders, each listed exactly once. */
  @Test
  void filesBeyondOneChunkAreEachListedOnce() throws IOException {
    Path in = Files.createDirectory(tmp.resolve("in"));
    String root = SourcePaths.of(in);
    List<ListedFile> expected = new ArrayList<>();
    int files = ListFiles.CHUNK_FILES * 2 + 37;
    for (int i = 0; i < files; i++) {
      Path folder = Files.createDirectories(in.resolve("study-" + (i % 3)));
      String name = "IM" + i + ".dcm";
      Files.write(folder.resolve(name), new byte[i % 7]);
      expected.add(new ListedFile(root + "/study-" + (i % 3) + "/" + name, i % 7));
    }
    TestPipeline p = pipeline();
    PCollectionTuple listing = p.apply(ListFiles.under(in.toString()));
    PAssert.that(withoutTimes(listing.get(ListFiles.FILES))).containsInAnyOrder(expected);
    PAssert.that(listing.get(ListFiles.ACCOUNTED)).empty();
    p.run().waitUntilFinish();
  }

  /** For a delta run: the same files, handed on as listed, in numbered chunks of at most a chunk's size. */
  @Test
  void inChunksTheSameFilesComeInNumberedChunksInTheOrderListed() throws IOException {
    Path in = Files.createDirectory(tmp.resolve("in"));
    String root = SourcePaths.of(in);
    List<ListedFile> expected = new ArrayList<>();
    int files = ListFiles.CHUNK_FILES + 12;
    for (int i = 0; i < files; i++) {
      Path folder = Files.createDirectories(in.resolve("study-" + (i % 2)));
      String name = String.format("IM%04d.dcm", i);
      Files.write(folder.resolve(name), new byte[i % 5]);
      expected.add(new ListedFile(root + "/study-" + (i % 2) + "/" + name, i % 5));
    }
    // Walked in the order of the names' bytes: study-0's files, then study-1's. As text: the check is serialized.
    ArrayList<String> order = new ArrayList<>();
    expected.stream().map(f -> f.path() + " " + f.size()).sorted().forEach(order::add);
    TestPipeline p = pipeline();
    PCollectionTuple listing = p.apply(ListFiles.under(in.toString()).inChunks());
    PAssert.that(listing.get(ListFiles.CHUNKS)).satisfies(chunks -> {
      List<String> all = new ArrayList<>();
      java.util.SortedMap<Integer, List<ListedFile>> byNumber = new java.util.TreeMap<>();
      for (KV<Integer, List<ListedFile>> c : chunks) {
        assertTrue(c.getValue().size() <= ListFiles.CHUNK_FILES, "chunk of " + c.getValue().size());
        assertNull(byNumber.put(c.getKey(), c.getValue()), "chunk " + c.getKey() + " twice");
      }
      assertEquals(List.of(0, 1), new ArrayList<>(byNumber.keySet()));
      byNumber.values().forEach(c -> c.forEach(f -> all.add(f.path() + " " + f.size())));
      assertEquals(order, all);
      return null;
    });
    PAssert.that(listing.get(ListFiles.ACCOUNTED)).empty();
    p.run().waitUntilFinish();
  }

  /** Before: a FIFO was matched as a file and opened, which blocks for ever; a socket failed the open. */
  @Test
  void specialFilesAreRejectedRowsAndNeverOpened() throws Exception {
    Path in = Files.createDirectory(tmp.resolve("in"));
    Files.writeString(in.resolve("a.dcm"), "x");
    Process mkfifo = new ProcessBuilder("mkfifo", in.resolve("pipe").toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());
    try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      socket.bind(UnixDomainSocketAddress.of(in.resolve("sock")));
      String root = SourcePaths.of(in);

      TestPipeline p = pipeline();
      PCollectionTuple listing = p.apply(ListFiles.under(in.toString()));
      PAssert.that(withoutTimes(listing.get(ListFiles.FILES))).containsInAnyOrder(new ListedFile(root + "/a.dcm", 1));
      PAssert.that(listing.get(ListFiles.ACCOUNTED)).containsInAnyOrder(
          new ManifestRow(root + "/pipe", 0, Outcome.REJECTED, "", "not a regular file: a FIFO (named pipe); not read"),
          new ManifestRow(root + "/sock", 0, Outcome.REJECTED, "", "not a regular file: a socket; not read"));
      p.run().waitUntilFinish();
    }
  }

  /** Before: links were followed: a loop multiplied the rows, a link out of the input was archived. */
  @Test
  void linksAreRowsWhenNotFollowed() throws IOException {
    Path in = links();
    String root = SourcePaths.of(in);
    String outside = SourcePaths.of(tmp.resolve("outside"));

    TestPipeline p = pipeline();
    PCollectionTuple listing = p.apply(ListFiles.under(in.toString()));
    PAssert.that(withoutTimes(listing.get(ListFiles.FILES))).containsInAnyOrder(
        new ListedFile(root + "/a.dcm", 1), new ListedFile(root + "/sub/b.dcm", 2));
    PAssert.that(listing.get(ListFiles.ACCOUNTED)).containsInAnyOrder(
        link(root + "/sub/loop", ".."), link(root + "/sub/in-again", "../out"), link(root + "/dangling", "gone.dcm"), link(root + "/again.dcm", "a.dcm"),
        link(root + "/out", outside), link(root + "/out-file.dcm", outside + "/o.dcm"));
    p.run().waitUntilFinish();
  }

  @Test
  void followedLinksReadEachRealFileOnceAndStopAtLoops() throws IOException {
    Path in = links();
    String root = SourcePaths.of(in);
    String outside = SourcePaths.of(tmp.resolve("outside"));

    TestPipeline p = pipeline();
    PCollectionTuple listing = p.apply(ListFiles.under(in.toString()).followingLinks(true));
    PAssert.that(withoutTimes(listing.get(ListFiles.FILES))).containsInAnyOrder(
        new ListedFile(root + "/a.dcm", 1), new ListedFile(root + "/sub/b.dcm", 2),
        new ListedFile(root + "/out/o.dcm", 3), new ListedFile(root + "/out/deeper/d.dcm", 4));
    PAssert.that(listing.get(ListFiles.ACCOUNTED)).containsInAnyOrder(
        new ManifestRow(root + "/sub/loop", 0, Outcome.REJECTED, "", "symbolic link to ..: a loop (it leads back "
            + "to the folder " + root + ", which holds it); not followed"),
        new ManifestRow(root + "/dangling", 0, Outcome.REJECTED, "",
            "symbolic link to gone.dcm, which does not exist (a dangling link)"),
        new ManifestRow(root + "/again.dcm", 1, Outcome.DUPLICATE, "",
            "symbolic link to a.dcm: the same file as " + root + "/a.dcm"),
        new ManifestRow(root + "/out-file.dcm", 3, Outcome.DUPLICATE, "",
            "symbolic link to " + outside + "/o.dcm: the same file as " + root + "/out/o.dcm"),
        // Reached through "out": its path holds the folder it leads to, so this is a loop too.
        new ManifestRow(root + "/out/up", 0, Outcome.REJECTED, "", "symbolic link to " + root
            + ": a loop (it leads back to the folder " + root + ", which holds it); not followed"),
        new ManifestRow(root + "/sub/in-again", 0, Outcome.DUPLICATE, "", "symbolic link to ../out: the folder "
            + "already read as " + root + "/out; its files are accounted there"));
    p.run().waitUntilFinish();
  }

  /** A bucket's names are UTF-8 but may hold a line break or a %: listed by prefix, escaped, reopened. */
  @Test
  void bucketNamesWithLineBreaksAreListedEscapedAndReopened() throws IOException {
    var options = org.apache.beam.sdk.options.PipelineOptionsFactory.fromArgs("--gcsClientFactory="
        + org.pacsmigrate.transforms.gcs.InMemoryStorage.class.getName()).create();
    org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(options);
    var storage = org.pacsmigrate.transforms.gcs.InMemoryStorage.client();
    for (String name : List.of("odd/new\nline.dcm", "odd/100%.dcm", "odd/sep\u2028/x.dcm")) {
      storage.create(com.google.cloud.storage.BlobInfo.newBuilder("list-files-test", name).build(),
          name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String gs = "gs://list-files-test/odd";
    List<ListedFile> expected = List.of(new ListedFile(gs + "/new%0Aline.dcm", 16),
        new ListedFile(gs + "/100%25.dcm", 12), new ListedFile(gs + "/sep%E2%80%A8/x.dcm", 16));

    TestPipeline p = TestPipeline.fromOptions(options).enableAbandonedNodeEnforcement(true);
    PCollectionTuple listing = p.apply(ListFiles.under(gs));
    PAssert.that(withoutTimes(listing.get(ListFiles.FILES))).containsInAnyOrder(expected);
    PAssert.that(listing.get(ListFiles.ACCOUNTED)).empty();
    p.run().waitUntilFinish();
    // The runner installs its own options as the file systems' defaults; the stand-in's are needed here.
    org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(options);
    try (var channel = SourceChannels.open(gs + "/new%0Aline.dcm")) {
      assertEquals(16, channel.size());
    }
  }

  /** A tree with every kind of link: inside, outside (file and folder), dangling, and a loop. */
  private Path links() throws IOException {
    Path in = Files.createDirectory(tmp.resolve("in"));
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Files.write(in.resolve("a.dcm"), new byte[1]);
    Files.write(Files.createDirectory(in.resolve("sub")).resolve("b.dcm"), new byte[2]);
    Files.write(outside.resolve("o.dcm"), new byte[3]);
    Files.write(Files.createDirectory(outside.resolve("deeper")).resolve("d.dcm"), new byte[4]);
    Files.createSymbolicLink(in.resolve("sub/loop"), Path.of(".."));
    Files.createSymbolicLink(in.resolve("dangling"), Path.of("gone.dcm"));
    Files.createSymbolicLink(in.resolve("again.dcm"), Path.of("a.dcm"));
    Files.createSymbolicLink(in.resolve("out"), outside);
    Files.createSymbolicLink(in.resolve("out-file.dcm"), outside.resolve("o.dcm"));
    Files.createSymbolicLink(in.resolve("sub/in-again"), Path.of("../out"));
    // A link from outside back into the input: reached only through "out", when links are followed.
    Files.createSymbolicLink(outside.resolve("up"), in);
    return in;
  }

  private static ManifestRow link(String path, String target) {
    return new ManifestRow(path, 0, Outcome.REJECTED, "",
        "symbolic link to " + target + ": not followed (--followLinks follows it)");
  }

  private static long countFiles(Path dir) throws IOException {
    try (var s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  private static TestPipeline pipeline() {
    // JUnit 5 has no @Rule: the enforcement the rule would install is set here.
    return TestPipeline.create().enableAbandonedNodeEnforcement(true);
  }

  /** The listed files with their modification times left out (the tests compare names and sizes). */
  private static PCollection<ListedFile> withoutTimes(PCollection<ListedFile> files) {
    return files.apply("WithoutTimes", MapElements.into(TypeDescriptor.of(ListedFile.class))
        .via((ListedFile f) -> new ListedFile(f.path(), f.size()))).setCoder(ListedFile.Coder.of());
  }
}
