package io.clusterlifecycle.core.internal.plan;

import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the plans of several operation types share: the metadata sections they publish, the resize
 * of a vertical scaling and the run order of a service (docs/design.md). Each operation class
 * computes its own plan from {@link PlanBuilder}'s blocks; plans are pure and deterministic: the
 * same record and arguments give the same plan.
 */
public final class Planner {
  /** The node action that stops and starts instances, for roles that define no such service. */
  public static final String REBOOT = "reboot";

  /**
   * The service name of a step that only renders a node's config files (docs/design.md §15): a role
   * whose reload does not run on a change still gets its templates rendered again.
   */
  public static final String RENDER = io.clusterlifecycle.api.spec.TemplateSpec.RENDER_SERVICE;

  /** Metadata sections (docs/design.md). */
  public static final String HOSTS = "hosts";

  /** Hosts being added. */
  public static final String ADDING_HOSTS = "adding-hosts";

  /** Hosts being deleted. */
  public static final String DELETING_HOSTS = "deleting-hosts";

  /** Roles being resized. */
  public static final String VERTICAL_SCALING_ROLES = "vertical-scaling-roles";

  /** The cluster's identity and app version. */
  public static final String CLUSTER = "cluster";

  /** The primary node of each role that can be promoted. */
  public static final String PRIMARY = "primary";

  /** The section of env and config values. */
  public static final String ENV = "env";

  /** The section of what a cluster sees of the clusters it depends on. */
  public static final String LINKS = "links";

  /**
   * The new resources of one role in a vertical scaling.
   *
   * @param role the role
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} when the role has no volume
   * @param volumeOnly only the volume grows: online, no restarts
   */
  public record Resize(String role, int cpu, int memory, int volumeSize, boolean volumeOnly) {}

  private Planner() {}

  /**
   * The nodes of one service in run order (docs/design.md): nodes whose role defines the service
   * and passes {@code filter}, the first {@code nodes_to_execute_on} of each role by index, grouped
   * by order, ascending.
   */
  public static TreeMap<Integer, List<Node>> orderGroups(
      AppSpec spec, String service, List<Node> nodes, Predicate<ServiceSpec> filter) {
    return OrderGroups.of(n -> spec, service, nodes, filter);
  }

  /** Tells whether a reload service watching {@code watch} cares about a change of sections. */
  static boolean watches(List<String> watch, Set<String> changedSections) {
    return PlanBuilder.watches(watch, changedSections);
  }
}
