package io.clusterlifecycle.spring.boot;

import io.clusterlifecycle.core.LifecycleEngineBuilder;

/**
 * Makes last changes to the auto-configured engine's builder, after the properties, the SPI beans,
 * the plugins and the listeners were applied. Declare one as a bean for a setting the properties do
 * not cover (a secret resolver, a clock, retries...). Customizers run in their {@code @Order}.
 */
@FunctionalInterface
public interface LifecycleEngineCustomizer {
  /**
   * Changes the builder.
   *
   * @param builder the builder the engine is about to be built from
   */
  void customize(LifecycleEngineBuilder builder);
}
