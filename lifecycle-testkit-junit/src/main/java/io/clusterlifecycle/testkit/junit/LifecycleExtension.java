package io.clusterlifecycle.testkit.junit;

import io.clusterlifecycle.core.LifecycleEngineBuilder;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that hands each test (or lifecycle method) asking for a {@link TestLifecycle}
 * parameter an engine of its own on in-memory SPIs with a virtual clock, and closes it after the
 * test.
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
 *
 * <p>To change the engine's settings (lease, maximum in flight, default timeout, retries), register
 * the extension with {@link #configuring}; the settings are applied after the extension's own
 * (SPIs, clock, scheduler, event listener), so they may also replace those:
 *
 * <pre>{@code
 * @RegisterExtension
 * static LifecycleExtension lifecycle = LifecycleExtension.configuring(b -> b.maxInFlight(1));
 * }</pre>
 */
public final class LifecycleExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LifecycleExtension.class);

  private final Consumer<LifecycleEngineBuilder> settings;

  /** Creates the extension with the engine's default settings; JUnit does this. */
  public LifecycleExtension() {
    this(b -> {});
  }

  private LifecycleExtension(Consumer<LifecycleEngineBuilder> settings) {
    this.settings = settings;
  }

  /**
   * An extension whose engines get these settings, for {@code @RegisterExtension}.
   *
   * @param settings changes to each engine's builder, applied last
   * @return the extension
   * @throws NullPointerException when {@code settings} is null
   */
  public static LifecycleExtension configuring(Consumer<LifecycleEngineBuilder> settings) {
    return new LifecycleExtension(Objects.requireNonNull(settings, "settings"));
  }

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
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            TestLifecycle.class, k -> new Closing(new TestLifecycle(settings)), Closing.class)
        .lifecycle();
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
