package io.clusterlifecycle.spring.boot.actuate;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.spring.boot.LifecycleAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Adds the {@code lifecycle} actuator endpoint ({@link LifecycleEndpoint}) when the application has
 * the actuator and an engine, and exposes the endpoint ({@code
 * management.endpoints.web.exposure.include=lifecycle}).
 */
@AutoConfiguration(after = LifecycleAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(Lifecycle.class)
@ConditionalOnAvailableEndpoint(LifecycleEndpoint.class)
public class LifecycleEndpointAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public LifecycleEndpointAutoConfiguration() {}

  /**
   * The endpoint.
   *
   * @param lifecycle the engine
   * @return the endpoint
   */
  @Bean
  @ConditionalOnMissingBean
  public LifecycleEndpoint lifecycleEndpoint(Lifecycle lifecycle) {
    return new LifecycleEndpoint(lifecycle);
  }
}
