package io.clusterlifecycle.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * One thing a {@link Simulator} did to one call, in the order it did them.
 *
 * @param call the call's number among every call made through the simulator, from 1
 * @param method the SPI method called
 * @param subject what the call was about: the node id for per-node resource calls, {@code
 *     <node-id>/<service>} for commands, empty for the other methods
 * @param kind what was done to it
 * @param latency the delay added, {@link Duration#ZERO} unless {@code kind} is {@link
 *     FaultKind#LATENCY}
 * @param error the message of the injected error, empty when no error was injected
 */
public record InjectedFault(
    long call, SpiMethod method, String subject, FaultKind kind, Duration latency, String error) {

  /**
   * Checks for nulls.
   *
   * @param call the call number
   * @param method the method
   * @param subject the subject, or empty
   * @param kind the kind
   * @param latency the added delay
   * @param error the error message, or empty
   */
  public InjectedFault {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(error, "error");
  }
}
