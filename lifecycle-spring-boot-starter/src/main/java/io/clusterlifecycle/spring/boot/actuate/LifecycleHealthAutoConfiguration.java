package io.clusterlifecycle.spring.boot.actuate;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.spring.boot.LifecycleAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Adds the {@code lifecycle} health indicator ({@link LifecycleHealthIndicator}) when the
 * application has Spring Boot's health support and an engine. {@code
 * management.health.lifecycle.enabled=false} turns it off; {@code
 * management.health.lifecycle.timeout} (default 5 s) bounds the store's answer.
 */
@AutoConfiguration(after = LifecycleAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Lifecycle.class)
@ConditionalOnEnabledHealthIndicator("lifecycle")
@EnableConfigurationProperties(LifecycleHealthProperties.class)
public class LifecycleHealthAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public LifecycleHealthAutoConfiguration() {}

  /**
   * The indicator.
   *
   * @param lifecycle the engine
   * @param store the records' store, when the context has one
   * @param properties how long the store may take to answer the probe
   * @return the indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "lifecycleHealthIndicator")
  public LifecycleHealthIndicator lifecycleHealthIndicator(
      Lifecycle lifecycle,
      ObjectProvider<ClusterStore> store,
      LifecycleHealthProperties properties) {
    return new LifecycleHealthIndicator(lifecycle, store.getIfUnique(), properties.timeout());
  }
}
