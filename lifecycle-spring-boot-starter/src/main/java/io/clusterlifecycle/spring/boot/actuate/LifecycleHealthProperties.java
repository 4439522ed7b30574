package io.clusterlifecycle.spring.boot.actuate;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code management.health.lifecycle.*} properties of the health indicator.
 *
 * @param timeout how long the records' store may take to answer the health check's read
 */
@ConfigurationProperties("management.health.lifecycle")
public record LifecycleHealthProperties(@DefaultValue("5s") Duration timeout) {}
