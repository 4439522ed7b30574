package io.clusterlifecycle.spi.openstack;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A Nova flavor.
 *
 * @param id its id
 * @param name its name
 * @param vcpus cores
 * @param ram memory, MiB
 * @param disk root disk, GiB
 */
record Flavor(String id, String name, int vcpus, int ram, int disk) {
  private static final Comparator<Flavor> SMALLEST =
      Comparator.comparingInt(Flavor::vcpus)
          .thenComparingInt(Flavor::ram)
          .thenComparingInt(Flavor::disk)
          .thenComparing(Flavor::name);

  /**
   * The flavor to use: the one named (by name or id) when a name is given, else the smallest with
   * at least {@code cpu} cores and {@code memory} MiB.
   *
   * @throws OpenStackApiException (status 0) when none fits or the named one does not exist
   */
  static Flavor choose(List<Flavor> flavors, Optional<String> named, int cpu, int memory) {
    if (named.isPresent()) {
      return flavors.stream()
          .filter(f -> f.name().equals(named.get()) || f.id().equals(named.get()))
          .findFirst()
          .orElseThrow(
              () ->
                  new OpenStackApiException(
                      "compute", 0, "flavor " + named.get() + " does not exist in this project"));
    }
    return flavors.stream()
        .filter(f -> f.vcpus() >= cpu && f.ram() >= memory)
        .min(SMALLEST)
        .orElseThrow(
            () ->
                new OpenStackApiException(
                    "compute",
                    0,
                    "no flavor has at least " + cpu + " cores and " + memory + " MiB"));
  }
}
