package org.pacsmigrate.transforms;

import java.util.function.Consumer;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;

/**
 * Runs a {@link TestPipeline} from a JUnit 5 test: TestPipeline is a JUnit 4 rule, so it is applied here by hand.
 * The rule checks what Beam's own tests check: the pipeline was run, no transform was left dangling, and every
 * PAssert ran. The Direct runner's immutability and encodability checks stay on (Beam's defaults).
 */
public final class BeamTests {
  private BeamTests() {}

  /** Builds the pipeline with {@code body} (PAsserts included), then runs it to completion. */
  public static void run(Consumer<TestPipeline> body) throws Throwable {
    TestPipeline pipeline = TestPipeline.create();
    pipeline.apply(new Statement() {
      @Override
      public void evaluate() {
        body.accept(pipeline);
        pipeline.run().waitUntilFinish();
      }
    }, Description.createTestDescription(BeamTests.class, "pipeline")).evaluate();
  }
}
