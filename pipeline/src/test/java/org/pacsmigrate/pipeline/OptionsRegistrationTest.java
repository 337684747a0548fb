package org.pacsmigrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * What the factory registers and parses after {@link OptionsRegistration}: each case in a JVM of its own, since
 * the registration happens once per JVM, in the factory's static initialiser.
 */
class OptionsRegistrationTest {

  @Test
  void aPlainRunRegistersTheJobsOptionsAndNotFlinks() throws Exception {
    String out = child("--input=/in", "--output=/out");
    assertTrue(out.contains("registered: " + MigrationOptions.class.getName()), out);
    assertTrue(!out.contains(FlinkPipelineOptions.class.getName()), out);
    assertTrue(!out.contains(DirectOptions.class.getName()), out);
    assertTrue(out.contains("input=/in output=/out runner=DirectRunner"), out);
    // As before: an option no interface declares is a usage error naming it.
    assertTrue(out.contains("--noSuchOption: IllegalArgumentException") && out.contains("noSuchOption"), out);
  }

  @Test
  void theOptionsAnotherRunnerNeedsAreRegisteredWhenNamed() throws Exception {
    String out = child("--input=/in", "--output=/out", "--runner=FlinkRunner", "--flinkMaster=[local]",
        "--targetParallelism=3", "--enforceImmutability=false");
    assertTrue(out.contains("registered: " + FlinkPipelineOptions.class.getName()), out);
    assertTrue(out.contains("registered: " + DirectOptions.class.getName()), out);
    assertTrue(out.contains("runner=FlinkRunner flinkMaster=[local] targetParallelism=3"), out);
  }

  @Test
  void helpRegistersEverything() throws Exception {
    String out = child("--help=DirectOptions");
    assertTrue(out.contains("registered: " + FlinkPipelineOptions.class.getName()), out);
    assertTrue(out.contains("registered: " + DirectOptions.class.getName()), out);
  }

  @Test
  void optionNamesAndPropertiesAreNamedAsBeamsParserNamesThem() {
    assertEquals(Set.of("input", "enforceImmutability", "help"),
        OptionsRegistration.optionNames(new String[] {"--input=a=b", "--enforceImmutability", "--help", "x", "-y"}));
    Set<String> direct = OptionsRegistration.properties(DirectOptions.class);
    assertTrue(direct.containsAll(Set.of("targetParallelism", "enforceImmutability", "blockOnRun", "runner")),
        direct.toString());
  }

  /** Runs {@link Child} in a new JVM with {@code args}; its output. */
  private static String child(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Child.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), text);
    return text;
  }

  /** The job's start, as far as the options go; prints what was registered and parsed. */
  public static final class Child {
    public static void main(String[] args) {
      OptionsRegistration.forArgs(args, MigrationOptions.class);
      Set<String> registered = new TreeSet<>();
      PipelineOptionsFactory.getRegisteredOptions().forEach(c -> registered.add(c.getName()));
      registered.forEach(name -> System.out.println("registered: " + name));
      if (args[0].startsWith("--help")) {
        return;
      }
      MigrationOptions options = PipelineOptionsFactory.fromArgs(args).withValidation().as(MigrationOptions.class);
      StringBuilder parsed = new StringBuilder("input=" + options.getInput() + " output=" + options.getOutput()
          + " runner=" + options.getRunner().getSimpleName());
      if (List.of(args).contains("--flinkMaster=[local]")) {
        parsed.append(" flinkMaster=").append(options.as(FlinkPipelineOptions.class).getFlinkMaster())
            .append(" targetParallelism=").append(options.as(DirectOptions.class).getTargetParallelism());
      }
      System.out.println(parsed);
      try {
        List<String> more = new ArrayList<>(List.of(args));
        more.add("--noSuchOption=1");
        PipelineOptionsFactory.fromArgs(more.toArray(String[]::new)).as(PipelineOptions.class);
        System.out.println("--noSuchOption: accepted");
      } catch (IllegalArgumentException e) {
        System.out.println("--noSuchOption: IllegalArgumentException " + e.getMessage());
      }
    }
  }
}
