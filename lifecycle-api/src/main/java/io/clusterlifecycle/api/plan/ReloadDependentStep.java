package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Reloads a cluster that depends on the one the plan runs on (docs/design.md §15): the last stage
 * of an operation that changes what dependents see starts an empty reconfigure of each dependent
 * and waits for it to end. Being a step of the target's plan, it is journaled: an engine that dies
 * before it completed runs it again when the operation resumes. A dependent's failure is reported
 * as a warning event, never as the step's failure.
 *
 * @param id the step id
 * @param cluster the dependent's cluster id
 * @param name the dependent as {@code namespace/name}, for people
 */
public record ReloadDependentStep(String id, String cluster, String name) implements Step {

  /**
   * Checks for nulls.
   *
   * @param id the step id
   * @param cluster the dependent's cluster id
   * @param name the dependent as {@code namespace/name}
   */
  public ReloadDependentStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String describe() {
    return "reload dependent " + name;
  }
}
