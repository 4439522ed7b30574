package io.clusterlifecycle.testkit;

/** What a {@link Simulator} did to one call, as counted in its reports. */
public enum FaultKind {
  /**
   * The call failed with {@link io.clusterlifecycle.api.spi.TransientSpiException} before it
   * reached the wrapped SPI: nothing changed, and the caller may retry.
   */
  TRANSIENT,
  /**
   * The call failed with an error that is not transient (by default {@link IllegalStateException})
   * before it reached the wrapped SPI: nothing changed.
   */
  PERMANENT,
  /** The call's outcome was delivered after an added delay. */
  LATENCY,
  /**
   * The call was made after the crash switch tripped: it never reached the wrapped SPI and its
   * stage never completes.
   */
  CRASH,
  /**
   * The call reached the wrapped SPI before the crash switch tripped, but its outcome arrived
   * after: the effect stands, and the caller never hears of it.
   */
  LOST_RESPONSE
}
