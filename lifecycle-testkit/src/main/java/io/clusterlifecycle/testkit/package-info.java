/**
 * The published test kit: in-memory implementations of every SPI, for testing the engine and code
 * built on it without infrastructure.
 *
 * <ul>
 *   <li>{@link io.clusterlifecycle.testkit.InMemoryResourceProvider} — nodes in a map, with
 *       programmable faults and latency and a record of every call;
 *   <li>{@link io.clusterlifecycle.testkit.ScriptedCommandExecutor} — commands that end as scripted
 *       rules say, with timeouts, cancellation and ordered run records;
 *   <li>{@link io.clusterlifecycle.testkit.InMemoryMetadataStore} — an atomic sorted tree with
 *       watches, counting commits and notifications;
 *   <li>{@link io.clusterlifecycle.testkit.InMemoryClusterStore} — records with compare-and-set on
 *       the version;
 *   <li>{@link io.clusterlifecycle.testkit.RecordingEventListener} — records events and checks
 *       their order;
 *   <li>{@link io.clusterlifecycle.testkit.Simulator} — wraps any SPI implementation and, from a
 *       seed, injects transient and permanent failures, latency and crash points (after which every
 *       call hangs with no effect, as if the engine's process died);
 *   <li>{@link io.clusterlifecycle.testkit.VirtualClock} — a settable clock, to make leases lapse
 *       and timestamps move without waiting.
 * </ul>
 *
 * <p>Package {@link io.clusterlifecycle.testkit.compat} holds the SPI compatibility kits: abstract
 * JUnit 5 tests of the store contracts that every store implementation extends.
 *
 * <p>Every class is thread-safe. Those that simulate time take a {@link java.time.Clock} and a
 * {@link java.util.concurrent.ScheduledExecutorService} and never sleep.
 */
package io.clusterlifecycle.testkit;
