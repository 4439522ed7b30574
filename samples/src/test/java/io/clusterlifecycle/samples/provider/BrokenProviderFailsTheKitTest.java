package io.clusterlifecycle.samples.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The compatibility kit catches a broken provider, and says which contract it broke: the kit run on
 * {@link NaiveCloudProvider}, whose {@code create} starts a new machine on every call, fails
 * exactly its two idempotency tests, with messages naming the contract, and passes the rest.
 */
class BrokenProviderFailsTheKitTest {
  private static final String CONTRACT = "ResourceProvider.create must be idempotent by node id";

  /**
   * The kit on the broken provider. A nested class, so that surefire does not run it on its own (it
   * excludes nested classes); the test below runs it through the JUnit Platform's {@link
   * EngineTestKit} and looks at the outcome.
   */
  static class NaiveCloudProviderCompatibility extends ResourceProviderCompatibilityKit {
    @Override
    protected ResourceProvider newProvider() {
      return new NaiveCloudProvider();
    }
  }

  @Test
  void theKit_failsTheIdempotencyTests_namingTheContract_andPassesTheRest() {
    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(NaiveCloudProviderCompatibility.class))
            .execute()
            .testEvents();

    Map<String, Throwable> failed =
        tests.failed().stream()
            .collect(
                Collectors.toMap(
                    BrokenProviderFailsTheKitTest::method, BrokenProviderFailsTheKitTest::error));
    assertThat(failed.keySet())
        .as("the kit's tests that failed")
        .containsExactlyInAnyOrder(
            "create_ofAnExistingNode_completesWithTheSameResource_andCreatesNothingMore",
            "create_racingForOneNode_fromSeveralThreads_yieldsOneResource");
    assertThat(failed.values())
        .allSatisfy(
            error ->
                assertThat(error)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining(CONTRACT)
                    .hasMessageContaining("returned another instance"));
    assertThat(tests.started().count()).as("the kit's tests that ran").isGreaterThan(10);
    assertThat(tests.succeeded().count())
        .as("the kit's other tests pass")
        .isEqualTo(tests.started().count() - 2);
    assertThat(tests.skipped().count() + tests.aborted().count()).isZero();
  }

  private static String method(Event e) {
    return e.getTestDescriptor()
        .getSource()
        .filter(MethodSource.class::isInstance)
        .map(s -> ((MethodSource) s).getMethodName())
        .orElse(e.getTestDescriptor().getDisplayName());
  }

  private static Throwable error(Event e) {
    return e.getPayload(TestExecutionResult.class)
        .flatMap(TestExecutionResult::getThrowable)
        .orElseThrow();
  }
}
