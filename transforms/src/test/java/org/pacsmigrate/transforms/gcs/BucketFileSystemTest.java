package org.pacsmigrate.transforms.gcs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.MimeTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gs:// file system through Beam's FileSystems, as the job uses it, on the in-memory stand-in. */
class BucketFileSystemTest {
  private static final String BUCKET = "bucket-fs-test";
  private static final String GS = "gs://" + BUCKET + "/";
  private static Storage storage;

  @BeforeAll
  static void registerAndFill() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory
        .fromArgs("--gcsClientFactory=" + InMemoryStorage.class.getName()).create());
    storage = InMemoryStorage.client();
    for (String name : List.of("pacs/a.dcm", "pacs/2009/b.dcm", "pacs/2009/12/c.dcm", "pacs/2009/", "pacsx/d.dcm",
        "pacs/{odd} name [1].dcm", "other/e.dcm")) {
      storage.create(BlobInfo.newBuilder(BUCKET, name).build(), name.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static TreeSet<String> match(String spec) throws IOException {
    MatchResult result = FileSystems.match(spec, EmptyMatchTreatment.ALLOW);
    assertEquals(MatchResult.Status.OK, result.status(), spec);
    return result.metadata().stream().map(m -> m.resourceId().toString())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void doubleStarMatchesEveryObjectBelowAPrefixButNotFolderPlaceholders() throws IOException {
    assertEquals(new TreeSet<>(List.of(GS + "pacs/2009/12/c.dcm", GS + "pacs/2009/b.dcm",
        GS + "pacs/a.dcm", GS + "pacs/{odd} name [1].dcm")), match(GS + "pacs/**"));
  }

  @Test
  void singleStarAndQuestionMarkStayWithinOneSegment() throws IOException {
    assertEquals(new TreeSet<>(List.of(GS + "pacs/2009/b.dcm")), match(GS + "pacs/*/?.dcm"));
    assertEquals(new TreeSet<>(List.of(GS + "pacs/a.dcm", GS + "pacsx/d.dcm")),
        match(GS + "{pacs,pacsx}/[a-d].dcm"));
  }

  @Test
  void anObjectIsMatchedByItsNameAndAMissingOneIsNotFound() throws IOException {
    MatchResult one = FileSystems.match(GS + "pacs/a.dcm");
    assertEquals(1, one.metadata().size());
    MatchResult.Metadata m = one.metadata().get(0);
    assertEquals("pacs/a.dcm".length(), m.sizeBytes());
    assertTrue(m.isReadSeekEfficient());
    assertEquals(MatchResult.Status.NOT_FOUND, FileSystems.match(GS + "pacs/zzz.dcm").status());
    assertEquals(new TreeSet<>(), match(GS + "nothing/**"));
  }

  @Test
  void anObjectOpensForRandomAccess() throws IOException {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    storage.create(BlobInfo.newBuilder(BUCKET, "big/frames.bin").build(), data);
    try (ReadableByteChannel ch = FileSystems.open(FileSystems.matchNewResource(GS + "big/frames.bin",
        false))) {
      SeekableByteChannel s = (SeekableByteChannel) ch;
      assertEquals(data.length, s.size());
      ByteBuffer b = ByteBuffer.allocate(100);
      s.position(2_500_000).read(b);
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 2_500_000, 2_500_100), b.array());
      assertEquals(2_500_100, s.position());
      b.clear();
      s.position(10).read(b);
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, 110), b.array());
      b.clear();
      s.position(data.length - 7);
      assertEquals(7, s.read(b));
      assertEquals(-1, s.read(b));
    }
  }

  @Test
  void writesRenamesAndDeletesAsBeamsSinksDo() throws IOException {
    ResourceId dir = FileSystems.matchNewResource(GS + "out/reports", true);
    ResourceId temp = dir.resolve(".temp-beam-1/", StandardResolveOptions.RESOLVE_DIRECTORY)
        .resolve("part-0", StandardResolveOptions.RESOLVE_FILE);
    try (WritableByteChannel w = FileSystems.create(temp, MimeTypes.TEXT)) {
      w.write(ByteBuffer.wrap("path,size\n".getBytes(StandardCharsets.UTF_8)));
    }
    ResourceId target = dir.resolve("manifest.csv", StandardResolveOptions.RESOLVE_FILE);
    assertEquals(GS + "out/reports/manifest.csv", target.toString());
    FileSystems.rename(List.of(temp), List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
    assertNull(storage.get(BlobId.of(BUCKET, "out/reports/.temp-beam-1/part-0")));
    try (ReadableByteChannel r = FileSystems.open(target)) {
      assertEquals("path,size\n", new String(Channels.newInputStream(r).readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals("text/plain", storage.get(BlobId.of(BUCKET, "out/reports/manifest.csv")).getContentType());
    // Renaming a source that is gone is what a retried finalize does: ignored when asked to.
    FileSystems.rename(List.of(temp), List.of(target), StandardMoveOptions.IGNORE_MISSING_FILES);
    FileSystems.delete(List.of(target, temp.getCurrentDirectory()), StandardMoveOptions.IGNORE_MISSING_FILES);
    assertNull(storage.get(BlobId.of(BUCKET, "out/reports/manifest.csv")));
  }

  @Test
  void locationsResolveAsBeamExpects() {
    BucketResourceId dir = BucketResourceId.parse(GS + "a/b", true);
    assertEquals(GS + "a/b/", dir.toString());
    assertEquals("b", dir.getFilename());
    BucketResourceId file = dir.resolve("c.dcm", StandardResolveOptions.RESOLVE_FILE);
    assertEquals(GS + "a/b/c.dcm", file.toString());
    assertEquals(dir, file.getCurrentDirectory());
    assertEquals("c.dcm", file.getFilename());
    BucketResourceId root = BucketResourceId.parse("gs://" + BUCKET, true);
    assertEquals(GS, root.toString());
    assertNull(root.getFilename());
    assertThrows(IllegalArgumentException.class, () -> BucketResourceId.parse(GS + "a/", false));
    assertThrows(IllegalArgumentException.class, () -> BucketResourceId.parse("gs://Not_A_Bucket/x", false));
    assertThrows(IllegalStateException.class, () -> file.resolve("x", StandardResolveOptions.RESOLVE_FILE));
  }
}
