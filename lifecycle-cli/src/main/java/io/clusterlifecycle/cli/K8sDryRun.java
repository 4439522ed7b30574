package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.core.PlannedNodes;
import io.clusterlifecycle.spi.k8s.K8sManifests;
import java.util.List;

/**
 * {@code plan SPEC --name NAME --format k8s}: the Service, PVCs and Pods a create would make on
 * Kubernetes, as YAML, written by the adapter's own {@link K8sManifests} from the node specs the
 * engine would give it ({@link PlannedNodes}). Nothing is connected to.
 */
final class K8sDryRun {
  private K8sDryRun() {}

  /**
   * Writes the objects.
   *
   * @param request the create request
   * @param plan its plan, which checked it
   * @param kube the namespace and the pod settings of the command line
   * @return a YAML stream, one document per object, after a comment line
   */
  static String yaml(CreateCluster request, Plan plan, KubeSettings kube) {
    // a real create draws the cluster's id (name-xxxxxx); the dry run shows the name in its place
    List<NodeSpec> nodes = PlannedNodes.ofCreate(request, plan, request.name(), Session.plugins());
    return "# lifecycle plan --format k8s: what create "
        + request.name()
        + " would make in namespace "
        + kube.namespace()
        + " (dry run; the cluster id '"
        + request.name()
        + "' stands for the one create draws)\n"
        + K8sManifests.of(kube.pods(), kube.namespace()).yaml(nodes);
  }
}
