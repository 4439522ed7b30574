package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link K8sInfrastructure} gives the engine four adapters that work together on one client. */
class K8sInfrastructureTest {
  @TempDir Path pods;

  @Test
  void theFourAdapters_runACluster_andLeaveTheCallersClientOpen() throws Exception {
    AppSpec spec =
        AppSpec.builder("kv", "1")
            .role(
                "kv",
                r ->
                    r.count(2)
                        .service(
                            StandardService.START, s -> s.cmd("cp \"$LC_METADATA\" started.json")))
            .build();
    try (MockKubernetes k8s = MockKubernetes.start(pods)) {
      try (K8sInfrastructure infra =
              K8sInfrastructure.on(
                  k8s.client(), MockKubernetes.NAMESPACE, K8sPodSettings.ofDefaults());
          LifecycleEngine engine =
              LifecycleEngine.builder()
                  .resourceProvider(infra.resources())
                  .commandExecutor(infra.commands())
                  .metadataStore(infra.metadata())
                  .clusterStore(infra.store())
                  .build()) {
        Cluster c = engine.create(CreateCluster.builder(spec, "kv").build());

        assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
        assertThat(Files.readString(pods.resolve("kv-kv-1/started.json")))
            .contains("\"kv-kv-2\"", "\"hosts\"");
        assertThat(infra.manifests().address(c.id(), "kv-kv-1"))
            .isEqualTo("kv-kv-1." + c.id() + ".test.svc.cluster.local");
        engine.delete(DeleteCluster.of("kv"));
      }
      assertThat(k8s.client().pods().inNamespace(MockKubernetes.NAMESPACE).list().getItems())
          .as("the client still works after the infrastructure was closed")
          .isEmpty();
    }
  }
}
