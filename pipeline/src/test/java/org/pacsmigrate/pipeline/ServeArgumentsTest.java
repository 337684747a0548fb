package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code serve}'s arguments: wrong ones are exit code 2 with a message, before any server starts. */
class ServeArgumentsTest {
  private static int run(ByteArrayOutputStream err, String... args) {
    return Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
        StandardCharsets.UTF_8));
  }

  @Test
  void wrongArgumentsAreUsageErrors() {
    for (String[] args : new String[][] {
        {"serve"},
        {"serve", "--archive=gs://bucket/out"},
        {"serve", "--archive=/tmp", "--port=http"},
        {"serve", "--archive=/tmp", "--port=70000"},
        {"serve", "--archive=/tmp", "--host=0.0.0.0"}}) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      assertEquals(2, run(err, args), String.join(" ", args));
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("serve --archive=OUTPUT"), err.toString());
    }
  }

  @Test
  void anArchiveThatIsNotAFolderFails() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(1, run(err, "serve", "--archive=/no/such/folder", "--port=0"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a folder"), err.toString());
  }
}
