package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class BatchCompilationTest {

  @Test
  void onlyTheMigrationAndVerifyGetIt() {
    assertTrue(BatchCompilation.isMigration(new String[0]));
    assertTrue(BatchCompilation.isMigration(new String[] {"--input=/x", "--output=/y", "--runner=FlinkRunner"}));
    for (String sub : List.of("export", "bench", "serve")) {
      assertFalse(BatchCompilation.isMigration(new String[] {sub, "--output=/y"}), sub);
    }
    assertTrue(BatchCompilation.isMigration(new String[] {"verify", "--archive=/y"}));
    assertFalse(BatchCompilation.isMigration(new String[] {"--help"}));
    // A migration whose option value happens to be a subcommand's name is still a migration.
    assertTrue(BatchCompilation.isMigration(new String[] {"--output=serve"}));
  }

  @Test
  void theInputIsWhatTheRunReads() {
    assertEquals("/pacs", BatchCompilation.inputOf(new String[] {"--output=/y", "--input=/pacs"}));
    assertEquals("/pacs", BatchCompilation.inputOf(new String[] {"verify", "--archive=/y", "--input=/pacs"}));
    assertEquals(null, BatchCompilation.inputOf(new String[] {"--output=/y"}));
  }

  @Test
  void theUserCanKeepC2() {
    String before = System.getProperty(BatchCompilation.KEEP_C2);
    System.setProperty(BatchCompilation.KEEP_C2, "true");
    try {
      // Nothing is started, so nothing changes in this JVM either.
      assertFalse(BatchCompilation.applyForMigration(new String[] {"--output=/y"}));
    } finally {
      if (before == null) {
        System.clearProperty(BatchCompilation.KEEP_C2);
      } else {
        System.setProperty(BatchCompilation.KEEP_C2, before);
      }
    }
    assertFalse(BatchCompilation.applyForMigration(new String[] {"serve", "--archive=/y"}));
  }

  /**
   * In a JVM of its own (the directive would stay in this one for the tests after it): the directive is
   * installed, refuses C2 for every method and leaves C1 as it was.
   */
  @Test
  void installsADirectiveThatRefusesC2AndLeavesC1() throws Exception {
    String out = runProbe();
    assertTrue(out.startsWith("added: 2 compiler directives added"), out);
    // SHA-256's block function first, C2 left on for it (its intrinsic).
    int sha = out.indexOf("matching: sun/security/provider/");
    assertTrue(sha >= 0 && sha < out.indexOf("matching: *.*"), out);
    String shaDirective = out.substring(sha, out.indexOf("matching: *.*"));
    assertTrue(shaDirective.lines().findFirst().orElseThrow().contains("SHA2.implCompress0"), shaDirective);
    assertTrue(shaDirective.substring(shaDirective.indexOf("c2 directives:")).contains("Enable:true Exclude:false"),
        shaDirective);
    int ours = out.indexOf("matching: *.*");
    int theDefault = out.indexOf("Directive: (default)");
    assertTrue(ours >= 0 && theDefault > ours, out);
    String directive = out.substring(ours, theDefault);
    String c1 = directive.substring(directive.indexOf("c1 directives:"), directive.indexOf("c2 directives:"));
    String c2 = directive.substring(directive.indexOf("c2 directives:"));
    assertTrue(c2.contains("Enable:true Exclude:true"), directive);
    // Not enabled: C1 goes on to the default directive, which compiles.
    assertTrue(c1.contains("Enable:false"), directive);
  }

  private static String runProbe() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), Probe.class.getName()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** Applies the directive and prints what it said, then the JVM's directives. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      System.out.print("added: " + BatchCompilation.apply());
      System.out.println(ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
          new Object[] {new String[0]}, new String[] {String[].class.getName()}));
    }
  }
}
