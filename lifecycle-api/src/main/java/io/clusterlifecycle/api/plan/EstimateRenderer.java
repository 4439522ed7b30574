package io.clusterlifecycle.api.plan;

import java.util.ArrayList;
import java.util.List;

/** Renders a {@link ResourceEstimate} as text lines, for the plan's text and Mermaid forms. */
final class EstimateRenderer {
  private EstimateRenderer() {}

  /**
   * One line per role and one for the total, for example {@code zk: 3 nodes, 6 cpu, 12288 MiB, 60
   * GiB default (change: +1 nodes, +2 cpu, +4096 MiB, +20 GiB default)}.
   */
  static List<String> lines(ResourceEstimate e) {
    List<String> out = new ArrayList<>();
    for (ResourceEstimate.RoleEstimate r : e.roles()) {
      out.add(r.role() + ": " + line(r.after(), r.change()));
    }
    out.add("total: " + line(e.after(), e.change()));
    return out;
  }

  private static String line(Resources after, Resources change) {
    return amounts(after, false) + " (change: " + amounts(change, true) + ")";
  }

  private static String amounts(Resources r, boolean signed) {
    List<String> parts = new ArrayList<>();
    parts.add(n(r.nodes(), signed) + " nodes");
    parts.add(n(r.cpu(), signed) + " cpu");
    parts.add(n(r.memoryMib(), signed) + " MiB");
    r.storageGib().forEach((k, v) -> parts.add(n(v, signed) + " GiB " + k));
    return String.join(", ", parts);
  }

  private static String n(long v, boolean signed) {
    return signed && v > 0 ? "+" + v : String.valueOf(v);
  }
}
