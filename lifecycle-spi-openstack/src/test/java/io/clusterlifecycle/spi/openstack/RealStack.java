package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.testsupport.OpenStackStack;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The real OpenStack of lifecycle-test-support ({@link OpenStackStack}, started once per JVM), with
 * providers and raw clients for it. Its servers run on nova's fake driver, so they have no network:
 * providers here use {@code network: none}.
 */
final class RealStack {
  /** The image the stack seeds for nodes whose spec names none. */
  static final String DEFAULT_IMAGE = "tiny";

  private RealStack() {}

  static OpenStackStack stack() {
    return OpenStackStack.shared();
  }

  static Map<String, String> environment() {
    return stack().environment();
  }

  /** A provider of the stack with the default image and quick polls. */
  static OpenStackResourceProvider.Builder provider() {
    return OpenStackInfrastructure.builderFromEnvironment(environment())
        .defaultImage(DEFAULT_IMAGE)
        .pollInterval(Duration.ofMillis(200), Duration.ofSeconds(1))
        .buildTimeout(Duration.ofMinutes(2))
        .actionTimeout(Duration.ofMinutes(2));
  }

  /** The raw API of the stack, for checks the provider does not offer. */
  static Api api() {
    Http http = new Http(Http.defaultClient(), Duration.ofSeconds(60));
    return new Api(
        new Keystone(
            OpenStackInfrastructure.credentialsFromEnvironment(environment()),
            http,
            Clock.systemUTC()),
        http);
  }
}
