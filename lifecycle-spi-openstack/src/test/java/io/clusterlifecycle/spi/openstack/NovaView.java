package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.api.spi.NodeSpec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Reads the real stack's servers and volumes directly, to check what the provider left there. */
final class NovaView {
  private final Nova nova;
  private final Cinder cinder;
  private final Glance glance;

  NovaView(Api api) {
    this.nova = new Nova(api);
    this.cinder = new Cinder(api);
    this.glance = new Glance(api);
  }

  List<Server> servers(String clusterId) throws Exception {
    return nova.all().get(60, TimeUnit.SECONDS).stream()
        .filter(s -> clusterId.equals(s.metadata().get(NodeSpec.TAG_CLUSTER)))
        .toList();
  }

  List<Server> named(String name) throws Exception {
    return nova.byName(name).get(60, TimeUnit.SECONDS);
  }

  /** The node's volume in a cluster (kept ones included). */
  Optional<Volume> volume(String clusterId, String nodeId) throws Exception {
    return volumes(clusterId, nodeId).stream().findFirst();
  }

  /** Every volume named for the node in a cluster (a node id recurs across clusters). */
  List<Volume> volumes(String clusterId, String nodeId) throws Exception {
    return cinder.byName(Settings.volumeName(nodeId)).get(60, TimeUnit.SECONDS).stream()
        .filter(v -> clusterId.equals(v.metadata().get(NodeSpec.TAG_CLUSTER)))
        .toList();
  }

  void deleteVolume(String id) throws Exception {
    cinder.delete(id).get(60, TimeUnit.SECONDS);
  }

  String imageId(String name) throws Exception {
    return glance.resolve(name).get(60, TimeUnit.SECONDS);
  }
}
