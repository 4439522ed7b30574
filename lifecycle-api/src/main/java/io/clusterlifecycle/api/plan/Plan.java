package io.clusterlifecycle.api.plan;

import io.clusterlifecycle.api.state.OperationType;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The ordered stages an operation runs. Computed before execution, deterministic for the same
 * cluster record and request, and shown by dry-run.
 *
 * @param clusterId the cluster it runs on
 * @param clusterName the cluster's name
 * @param type the operation type
 * @param stages the stages, in the order they run
 * @param estimate the resources the operation asks for; present in a dry-run's plan, empty in the
 *     plans operations record
 * @param files the config files the plan's commands would find on their nodes, rendered from the
 *     roles' templates with secrets masked; filled in a dry-run's plan, empty in the plans
 *     operations record
 */
public record Plan(
    String clusterId,
    String clusterName,
    OperationType type,
    List<Stage> stages,
    Optional<ResourceEstimate> estimate,
    List<RenderedFile> files) {

  /**
   * Checks for nulls and copies the stages.
   *
   * @param clusterId the cluster id
   * @param clusterName the cluster name
   * @param type the operation type
   * @param stages the stages; copied
   * @param estimate the resource estimate, if any; null reads as empty
   * @param files the rendered config files of a dry-run; copied, null reads as empty
   */
  public Plan {
    estimate = estimate == null ? Optional.empty() : estimate;
    files = files == null ? List.of() : List.copyOf(files);
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(type, "type");
    stages = List.copyOf(stages);
  }

  /**
   * Creates a plan without an estimate.
   *
   * @param clusterId the cluster id
   * @param clusterName the cluster name
   * @param type the operation type
   * @param stages the stages; copied
   */
  public Plan(String clusterId, String clusterName, OperationType type, List<Stage> stages) {
    this(clusterId, clusterName, type, stages, Optional.empty(), List.of());
  }

  /**
   * Creates a plan without rendered files.
   *
   * @param clusterId the cluster id
   * @param clusterName the cluster name
   * @param type the operation type
   * @param stages the stages; copied
   * @param estimate the resource estimate, if any; null reads as empty
   */
  public Plan(
      String clusterId,
      String clusterName,
      OperationType type,
      List<Stage> stages,
      Optional<ResourceEstimate> estimate) {
    this(clusterId, clusterName, type, stages, estimate, List.of());
  }

  /**
   * Returns this plan with a resource estimate.
   *
   * @param value the estimate
   * @return the new plan
   */
  public Plan withEstimate(ResourceEstimate value) {
    return new Plan(clusterId, clusterName, type, stages, Optional.of(value), files);
  }

  /**
   * Returns this plan with the config files its commands would find on their nodes.
   *
   * @param rendered the rendered files, secrets masked
   * @return the new plan
   */
  public Plan withFiles(List<RenderedFile> rendered) {
    return new Plan(clusterId, clusterName, type, stages, estimate, rendered);
  }

  /**
   * Returns every step of every stage, in plan order.
   *
   * @return the steps
   */
  public Stream<Step> steps() {
    return stages.stream().flatMap(s -> s.steps().stream());
  }

  /**
   * Returns the roles whose nodes the plan's steps act on (docs/design.md §3.6).
   *
   * @return the role names, sorted
   */
  public java.util.Set<String> roles() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    steps()
        .forEach(
            s -> {
              if (s instanceof CreateNodeStep c) {
                out.add(c.role());
              } else if (s instanceof DeleteNodeStep d) {
                out.add(d.role());
              } else if (s instanceof ServiceStep v) {
                out.add(v.role());
              } else if (s instanceof PreCheckStep p) {
                out.add(p.role());
              } else if (s instanceof ResizeNodeStep r) {
                out.add(r.role());
              } else if (s instanceof ReplaceImageStep i) {
                out.add(i.role());
              } else if (s instanceof StopNodeStep t) {
                out.add(t.role());
              } else if (s instanceof StartNodeStep t) {
                out.add(t.role());
              } else if (s instanceof NodeActionStep a) {
                out.add(a.role());
              }
            });
    return java.util.Collections.unmodifiableSet(out);
  }

  /**
   * Renders the plan as indented text, one line per stage and per step.
   *
   * @return the text, ending with a newline
   */
  public String toText() {
    return PlanRenderer.text(this);
  }

  /**
   * Renders the plan as a Mermaid flowchart: one subgraph per stage, one box per step, arrows from
   * each stage to the next.
   *
   * @return the Mermaid source
   */
  public String toMermaid() {
    return PlanRenderer.mermaid(this);
  }
}
