package io.clusterlifecycle.api.plan;

import java.util.List;
import java.util.Objects;

/**
 * Publishes or unpublishes parts of the cluster's metadata tree (docs/design.md §4) in one atomic
 * commit. The values are taken from the cluster's record when the step runs, so that addresses of
 * nodes created earlier in the same operation are known.
 *
 * @param id the step id
 * @param action publish (put) or unpublish (delete)
 * @param sections the top-level sections concerned, such as {@code hosts} or {@code adding-hosts};
 *     {@code *} means the whole tree
 * @param nodes for the host sections, the nodes concerned; empty means every node
 */
public record MetadataStep(String id, Action action, List<String> sections, List<String> nodes)
    implements Step {

  /** Section name meaning the cluster's whole tree. */
  public static final String ALL = "*";

  /** What a metadata step does. */
  public enum Action {
    /** Put the sections' keys. */
    PUBLISH,
    /** Delete the sections' keys. */
    UNPUBLISH
  }

  /**
   * Checks for nulls and copies the lists.
   *
   * @param id the step id
   * @param action publish or unpublish
   * @param sections the sections; copied
   * @param nodes the nodes; copied
   */
  public MetadataStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
    sections = List.copyOf(sections);
    nodes = List.copyOf(nodes);
  }

  @Override
  public String describe() {
    String what = sections.contains(ALL) ? "metadata tree" : "/" + String.join(" + /", sections);
    return (action == Action.PUBLISH ? "publish " : "unpublish ")
        + what
        + (nodes.isEmpty() ? "" : " of " + String.join(", ", nodes));
  }
}
