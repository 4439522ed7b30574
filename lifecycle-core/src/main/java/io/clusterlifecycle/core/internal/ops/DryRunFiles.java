package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.RenderedFile;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.core.internal.exec.TemplateRenderer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The config files a dry-run shows (docs/design.md §15): for each node a command of the plan runs
 * on, its role's templates rendered against the cluster the operation leads to, secret parameters
 * masked.
 */
public final class DryRunFiles {
  private DryRunFiles() {}

  /**
   * Renders the files of a prepared operation.
   *
   * @param p the prepared operation
   * @param all every cluster record, for the links; may be empty when the cluster has none
   * @return the files by node in plan order, then by template
   */
  public static List<RenderedFile> of(Prepared p, List<Cluster> all) {
    Cluster c = p.cluster();
    Set<String> nodes = new LinkedHashSet<>();
    p.plan()
        .steps()
        .filter(s -> s instanceof ServiceStep)
        .map(s -> (ServiceStep) s)
        .filter(s -> TemplateRenderer.rendersBefore(s.service()))
        .forEach(s -> nodes.add(s.node()));
    Map<String, String> masked = new LinkedHashMap<>();
    TemplateRenderer.secretReferences(c)
        .keySet()
        .forEach(k -> masked.put(k, TemplateRenderer.MASK));
    List<RenderedFile> files = new ArrayList<>();
    for (String id : nodes) {
      Optional<Node> n = c.node(id);
      if (n.isPresent() && TemplateRenderer.hasTemplates(c, n.get())) {
        files.addAll(TemplateRenderer.render(c, n.get(), masked, all));
      }
    }
    return files;
  }
}
