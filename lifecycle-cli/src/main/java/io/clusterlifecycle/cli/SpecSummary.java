package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.VolumeSpec;
import java.util.stream.Collectors;

/** One-line and tabular descriptions of an app spec for the command-line tool. */
final class SpecSummary {
  private SpecSummary() {}

  /** For example {@code zookeeper 3.8.4: 1 role, 3 nodes (zk=3); 6 cpu, 12288 MiB, 60 GiB}. */
  static String oneLine(AppSpec spec) {
    long cpu = spec.roles().stream().mapToLong(r -> (long) r.cpu() * r.count()).sum();
    long memory = spec.roles().stream().mapToLong(r -> (long) r.memory() * r.count()).sum();
    long storage =
        spec.roles().stream()
            .mapToLong(r -> (long) r.volume().map(VolumeSpec::size).orElse(0) * r.count())
            .sum();
    int roles = spec.roles().size();
    return spec.name()
        + " "
        + spec.version()
        + ": "
        + roles
        + (roles == 1 ? " role, " : " roles, ")
        + spec.totalNodes()
        + (spec.totalNodes() == 1 ? " node (" : " nodes (")
        + spec.roles().stream()
            .map(r -> r.name() + "=" + r.count())
            .collect(Collectors.joining(", "))
        + "); "
        + cpu
        + " cpu, "
        + memory
        + " MiB memory, "
        + storage
        + " GiB storage";
  }

  /** A fixed-width table of the roles: count, bounds, resources and services. */
  static String roleTable(AppSpec spec) {
    String format = "  %-12s %5s %9s %4s %8s %8s  %s%n";
    StringBuilder b =
        new StringBuilder(
            String.format(
                format,
                "ROLE",
                "COUNT",
                "MIN..MAX",
                "CPU",
                "MEM_MIB",
                "VOL_GIB",
                "SERVICES (order)"));
    for (RoleSpec r : spec.roles()) {
      String max = r.maxNodes() == RoleSpec.UNBOUNDED ? "-" : String.valueOf(r.maxNodes());
      String services =
          r.services().entrySet().stream()
              .map(e -> e.getKey() + "(" + e.getValue().order() + ")")
              .collect(Collectors.joining(" "));
      b.append(
          String.format(
              format,
              r.name(),
              r.count(),
              r.minNodes() + ".." + max,
              r.cpu(),
              r.memory(),
              r.volume().map(v -> String.valueOf(v.size())).orElse("-"),
              services));
    }
    return b.toString();
  }
}
