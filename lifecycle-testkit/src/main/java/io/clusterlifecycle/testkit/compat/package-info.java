/**
 * SPI compatibility kits: abstract JUnit 5 tests of the SPIs' contracts, which every implementation
 * extends in a few lines, as the shipped ones do.
 *
 * <ul>
 *   <li>{@link io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit} — for a {@link
 *       io.clusterlifecycle.api.spi.ResourceProvider}: implement {@code newProvider()};
 *   <li>{@link io.clusterlifecycle.testkit.compat.CommandExecutorCompatibilityKit} — for a {@link
 *       io.clusterlifecycle.api.spi.CommandExecutor} that runs real scripts: implement {@code
 *       newExecutor()} and {@code node()} (the node to run on);
 *   <li>{@link io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit} — for a {@link
 *       io.clusterlifecycle.api.spi.ClusterStore}: implement {@code newStore()} (a new, empty
 *       store) and {@code reopen()} (another client on the same data);
 *   <li>{@link io.clusterlifecycle.testkit.compat.MetadataStoreCompatibilityKit} — for a {@link
 *       io.clusterlifecycle.api.spi.MetadataStore}: implement {@code newStore()}.
 * </ul>
 *
 * <p>A subclass is a plain JUnit 5 test class: name it {@code *CompatibilityTest} (or {@code
 * *CompatibilityIT} when it starts a real server) and run it with the JUnit Jupiter engine. The
 * kits use AssertJ; every failed assertion names the part of the contract that was broken.
 */
package io.clusterlifecycle.testkit.compat;
