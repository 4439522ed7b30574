package io.clusterlifecycle.api.plan;

/** Text and Mermaid renderings of a plan. */
final class PlanRenderer {
  private PlanRenderer() {}

  static String text(Plan plan) {
    StringBuilder b = new StringBuilder();
    b.append(plan.type().displayName())
        .append(" of cluster ")
        .append(plan.clusterName())
        .append(" (")
        .append(plan.clusterId())
        .append("): ")
        .append(plan.stages().size())
        .append(" stages, ")
        .append(plan.steps().count())
        .append(" steps\n");
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      b.append(String.format("%3d. %s", i + 1, s.name()));
      if (s.always()) {
        b.append("  [finally]");
      }
      if (s.kind() == Stage.Kind.IF_ADDRESSES_CHANGED) {
        b.append("  [if an address changed]");
      }
      if (s.onFailure() != Stage.FailurePolicy.FAIL) {
        b.append("  [on failure: ").append(s.onFailure().name().toLowerCase()).append(']');
      }
      b.append('\n');
      for (Step step : s.steps()) {
        b.append("       - ").append(step.describe()).append('\n');
      }
    }
    plan.estimate()
        .ifPresent(
            e -> {
              b.append("resource estimate:\n");
              EstimateRenderer.lines(e).forEach(l -> b.append("  ").append(l).append('\n'));
            });
    for (RenderedFile f : plan.files()) {
      b.append("rendered file ")
          .append(f.destination())
          .append(" on ")
          .append(f.node())
          .append(" (mode ")
          .append(f.mode())
          .append("):\n");
      f.content().lines().forEach(l -> b.append("  | ").append(l).append('\n'));
    }
    return b.toString();
  }

  static String mermaid(Plan plan) {
    StringBuilder b = new StringBuilder();
    plan.estimate()
        .ifPresent(
            e -> {
              b.append("%% resource estimate\n");
              EstimateRenderer.lines(e).forEach(l -> b.append("%% ").append(l).append('\n'));
            });
    b.append("flowchart TD\n");
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      b.append("  subgraph S")
          .append(i)
          .append("[\"")
          .append(i + 1)
          .append(". ")
          .append(escape(s.name()))
          .append(s.always() ? " (finally)" : "")
          .append("\"]\n");
      for (Step step : s.steps()) {
        b.append("    ")
            .append(nodeId(step))
            .append("[\"")
            .append(escape(step.describe()))
            .append("\"]\n");
      }
      b.append("  end\n");
    }
    for (int i = 1; i < plan.stages().size(); i++) {
      b.append("  S").append(i - 1).append(" --> S").append(i).append('\n');
    }
    return b.toString();
  }

  /** Mermaid node ids may hold letters, digits and '_' only. */
  private static String nodeId(Step step) {
    return "st_" + step.id().replaceAll("[^A-Za-z0-9_]", "_");
  }

  private static String escape(String s) {
    return s.replace("\"", "#quot;");
  }
}
