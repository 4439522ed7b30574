/**
 * Spring Boot auto-configuration of a Lifecycle engine: {@link
 * io.clusterlifecycle.spring.boot.LifecycleAutoConfiguration} builds it from {@link
 * io.clusterlifecycle.spring.boot.LifecycleProperties} and the application's beans.
 */
package io.clusterlifecycle.spring.boot;
