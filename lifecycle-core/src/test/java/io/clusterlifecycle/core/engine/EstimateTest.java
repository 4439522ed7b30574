package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ResourceEstimate;
import io.clusterlifecycle.api.plan.Resources;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.VolumeSpec;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The resource estimate of a dry-run (docs/design.md §7.3) for create, scaling and resizing. */
class EstimateTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  static AppSpec spec() {
    return AppSpec.builder("db", "1")
        .role(
            "primary",
            r ->
                r.count(1)
                    .cpu(4)
                    .memory(8192)
                    .volume(VolumeSpec.of(100))
                    .service("start", "s")
                    .service("backup", "b")
                    .service("restore", "r"))
        .role(
            "replica",
            r ->
                r.count(2)
                    .maxNodes(5)
                    .cpu(2)
                    .memory(4096)
                    .volume(VolumeSpec.of(50))
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service("start", "s"))
        .build();
  }

  @Test
  void createAddDeleteAndResizeEstimateWhatTheClusterHoldsAfterAndTheChange() {
    ResourceEstimate create =
        h.engine.plan(CreateCluster.builder(spec(), "db1").build()).estimate().orElseThrow();
    assertThat(create.roles())
        .containsExactly(
            role("primary", new Resources(1, 4, 8192, Map.of("default", 100L)), 1),
            role("replica", new Resources(2, 4, 8192, Map.of("default", 100L)), 1));
    assertThat(create.after()).isEqualTo(new Resources(3, 8, 16384, Map.of("default", 200L)));
    assertThat(create.change()).isEqualTo(create.after());

    h.engine.create(CreateCluster.builder(spec(), "db1").build());
    ResourceEstimate add = h.engine.plan(AddNodes.of("db1", "replica", 2)).estimate().orElseThrow();
    assertThat(add.change()).isEqualTo(new Resources(2, 4, 8192, Map.of("default", 100L)));
    assertThat(add.after().nodes()).isEqualTo(5);

    ResourceEstimate delete =
        h.engine.plan(DeleteNodes.of("db1", "db1-replica-2")).estimate().orElseThrow();
    assertThat(delete.change()).isEqualTo(new Resources(-1, -2, -4096, Map.of("default", -50L)));

    Plan resize =
        h.engine.plan(ScaleVertical.of("db1", RoleResize.of("replica").cpu(4).memory(8192)));
    assertThat(resize.estimate().orElseThrow().change())
        .isEqualTo(new Resources(0, 4, 8192, Map.of()));
    assertThat(resize.toText())
        .contains(
            "resource estimate:\n"
                + "  primary: 1 nodes, 4 cpu, 8192 MiB, 100 GiB default (change: 0 nodes, 0 cpu,"
                + " 0 MiB)\n"
                + "  replica: 2 nodes, 8 cpu, 16384 MiB, 100 GiB default (change: 0 nodes, +4 cpu,"
                + " +8192 MiB)\n"
                + "  total: 3 nodes, 12 cpu, 24576 MiB, 200 GiB default (change: 0 nodes, +4 cpu,"
                + " +8192 MiB)\n");
    assertThat(resize.toMermaid()).startsWith("%% resource estimate\n%% primary: ");

    Backup backup = h.engine.backup(BackupCluster.of("db1"));
    ResourceEstimate restore =
        h.engine.plan(RestoreCluster.builder(backup.id(), "db2").build()).estimate().orElseThrow();
    assertThat(restore.change())
        .isEqualTo(restore.after())
        .isEqualTo(new Resources(3, 8, 16384, Map.of("default", 200L)));
  }

  private static ResourceEstimate.RoleEstimate role(String name, Resources after, int unused) {
    return new ResourceEstimate.RoleEstimate(name, after, after);
  }
}
