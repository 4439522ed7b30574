package io.clusterlifecycle.spi.openstack;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The provider's settings, as its builder checked them.
 *
 * @param network the cluster network's name or id; empty for {@code network: none}
 * @param floatingNetwork the external network floating IPs come from; empty for none
 * @param rules the ingress rules of each cluster's security group
 * @param flavors a flavor name per role, where the smallest fitting one is not wanted
 * @param defaultImage the image of nodes whose spec names none
 * @param keyName the Nova key pair injected into servers, if any
 * @param buildTimeout how long a server may take to become ACTIVE
 * @param actionTimeout how long stop, start, resize, rebuild, attach, extend and delete may take
 */
record Settings(
    Optional<String> network,
    Optional<String> floatingNetwork,
    List<SecurityRule> rules,
    Map<String, String> flavors,
    Optional<String> defaultImage,
    Optional<String> keyName,
    Duration buildTimeout,
    Duration actionTimeout) {
  Settings {
    rules = List.copyOf(rules);
    flavors = Map.copyOf(flavors);
  }

  /** The security group's name of a cluster. */
  static String groupName(String clusterId) {
    return "lifecycle-" + clusterId;
  }

  /** The volume's name of a node. */
  static String volumeName(String nodeId) {
    return nodeId + "-data";
  }
}
