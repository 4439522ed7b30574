package io.clusterlifecycle.api.plan;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An amount of resources: nodes, cpu cores, memory and storage by class. A change may be negative.
 *
 * @param nodes the number of nodes
 * @param cpu cpu cores
 * @param memoryMib memory in MiB
 * @param storageGib volume storage in GiB by storage class ({@code default} for volumes without
 *     one); classes with no storage are left out
 */
public record Resources(long nodes, long cpu, long memoryMib, Map<String, Long> storageGib) {

  /** Nothing. */
  public static final Resources NONE = new Resources(0, 0, 0, Map.of());

  /**
   * Copies the storage, sorted by class, leaving out zeros.
   *
   * @param nodes nodes
   * @param cpu cpu cores
   * @param memoryMib memory in MiB
   * @param storageGib storage by class; copied; null reads as none
   */
  public Resources {
    Map<String, Long> s = new TreeMap<>();
    if (storageGib != null) {
      storageGib.forEach(
          (k, v) -> {
            if (v != 0) {
              s.put(Objects.requireNonNull(k, "storage class"), v);
            }
          });
    }
    storageGib = Collections.unmodifiableMap(s);
  }

  /**
   * Adds another amount.
   *
   * @param other the amount to add
   * @return the sum
   */
  public Resources plus(Resources other) {
    Map<String, Long> s = new TreeMap<>(storageGib);
    other.storageGib.forEach((k, v) -> s.merge(k, v, Long::sum));
    return new Resources(nodes + other.nodes, cpu + other.cpu, memoryMib + other.memoryMib, s);
  }

  /**
   * Subtracts another amount.
   *
   * @param other the amount to subtract
   * @return the difference
   */
  public Resources minus(Resources other) {
    Map<String, Long> s = new TreeMap<>(storageGib);
    other.storageGib.forEach((k, v) -> s.merge(k, -v, Long::sum));
    return new Resources(nodes - other.nodes, cpu - other.cpu, memoryMib - other.memoryMib, s);
  }

  /**
   * Tells whether every amount is zero.
   *
   * @return true for no resources
   */
  public boolean isZero() {
    return nodes == 0 && cpu == 0 && memoryMib == 0 && storageGib.isEmpty();
  }
}
