package io.clusterlifecycle.testkit.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands each test (or lifecycle method) asking for a
 * {@link TestLifecycle} parameter an engine of its own on in-memory SPIs with a virtual clock,
 * and closes it after the test.
 *
 * <pre>{@code
 * @ExtendWith(LifecycleExtension.class)
 * class ZooKeeperSpecTest {
 *   @Test
 *   void create_startsEveryNodeAfterInit(TestLifecycle lc) {
 *     lc.engine().create(CreateCluster.builder(zk, "zk1").build());
 *     lc.trace().ranBefore("init", "start").hasStatePath("PENDING", "DEPLOYING", "RUNNING");
 *   }
 * }
 * }</pre>
 *
 * <p>Parameters of one test method share one engine; every test method gets a new one.
 */
public final class LifecycleExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LifecycleExtension.class);

  /** Creates the extension; JUnit does this. */
  public LifecycleExtension() {}

  /**
   * Resolves parameters of type {@link TestLifecycle}.
   *
   * @param parameter the parameter
   * @param context the extension context
   * @return whether the parameter is a {@link TestLifecycle}
   */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestLifecycle.class;
  }

  /**
   * Returns the engine of the current test, making it on first use.
   *
   * @param parameter the parameter
   * @param context the extension context
   * @return the engine and its SPIs
   */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NAMESPACE).getOrComputeIfAbsent(TestLifecycle.class,
        k -> new Closing(new TestLifecycle()), Closing.class).lifecycle();
  }

  /** Closes the engine when JUnit drops the test's store. */
  private record Closing(TestLifecycle lifecycle)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      lifecycle.close();
    }
  }
}
