package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;
import static io.clusterlifecycle.core.internal.plan.Planner.HOSTS;
import static io.clusterlifecycle.core.internal.plan.Planner.VERTICAL_SCALING_ROLES;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.VolumeSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Changes the cpu, memory or volume size of roles; volumes only grow. */
final class ScaleVerticalOperation extends ClusterOperation<ScaleVertical> {

  ScaleVerticalOperation() {
    super(ScaleVertical.class, OperationType.SCALE_VERTICAL);
  }

  @Override
  CompletableFuture<Prepared> prepare(ScaleVertical r, Cluster c, EngineContext ctx) {
    List<Planner.Resize> resizes = check(r, c);
    AppSpec.Builder spec = c.spec().toBuilder();
    for (Planner.Resize z : resizes) {
      spec.replaceRole(
          ClusterChanges.resized(
              c.spec().role(z.role()).orElseThrow(), z.cpu(), z.memory(), z.volumeSize()));
    }
    Cluster next = c.toBuilder().spec(spec.build()).build();
    return done(new Prepared(next, plan(next, resizes), Set.of(), Set.of()));
  }

  /** Checks a vertical scaling and returns each role's new sizes. */
  private static List<Planner.Resize> check(ScaleVertical r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    List<Planner.Resize> resizes = new ArrayList<>();
    if (r.roles().isEmpty()) {
      p.add(ValidationProblem.of("roles", "name at least one role to resize"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < r.roles().size(); i++) {
      RoleResize rr = r.roles().get(i);
      String at = "roles[" + i + "]";
      RoleSpec role = Checks.role(c, rr.role());
      if (!seen.add(rr.role())) {
        p.add(ValidationProblem.of(at, "role " + rr.role() + " is listed twice"));
        continue;
      }
      if (rr.cpu().isEmpty() && rr.memory().isEmpty() && rr.volumeSize().isEmpty()) {
        p.add(
            ValidationProblem.of(
                at, "give a new cpu, memory or volume size for role " + rr.role()));
        continue;
      }
      int cpu = rr.cpu().orElse(role.cpu());
      int memory = rr.memory().orElse(role.memory());
      int current = role.volume().map(VolumeSpec::size).orElse(0);
      int volume = rr.volumeSize().orElse(current);
      Checks.range(p, at + ".cpu", cpu, RoleSpec.MAX_CPU, "cores");
      Checks.range(p, at + ".memory", memory, RoleSpec.MAX_MEMORY_MIB, "MiB");
      if (rr.volumeSize().isPresent()) {
        if (current == 0) {
          p.add(
              ValidationProblem.of(
                  at + ".volume_size", "role " + rr.role() + " has no volume to resize"));
        } else if (volume < current) {
          p.add(
              ValidationProblem.of(
                  at + ".volume_size",
                  "volumes only grow: role "
                      + rr.role()
                      + " has "
                      + current
                      + " GiB, asked for "
                      + volume));
        } else {
          Checks.range(p, at + ".volume_size", volume, VolumeSpec.MAX_SIZE_GIB, "GiB");
        }
      }
      if (cpu == role.cpu() && memory == role.memory() && volume == current) {
        p.add(
            ValidationProblem.of(
                at,
                "role "
                    + rr.role()
                    + " already has "
                    + cpu
                    + " cpu, "
                    + memory
                    + " MiB"
                    + (current > 0 ? ", " + current + " GiB" : "")
                    + "; nothing to change"));
      }
      boolean volumeOnly = cpu == role.cpu() && memory == role.memory() && volume != current;
      resizes.add(new Planner.Resize(rr.role(), cpu, memory, volume, volumeOnly));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "scale-vertical request for " + c.name());
    return resizes;
  }

  /**
   * The plan of a vertical scaling: {@code cluster} holds the new sizes in its spec; its nodes
   * still have the old ones.
   */
  static Plan plan(Cluster cluster, List<Planner.Resize> resizes) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.SCALE_VERTICAL);
    List<Node> up = up(cluster.nodes());
    Set<String> roles = resizes.stream().map(Planner.Resize::role).collect(Collectors.toSet());
    List<Node> scaled = up.stream().filter(n -> roles.contains(n.role())).toList();
    List<String> ids = scaled.stream().map(Node::id).toList();
    b.metadata(
        "publish /vertical-scaling-roles",
        MetadataStep.Action.PUBLISH,
        "scaling",
        List.of(VERTICAL_SCALING_ROLES),
        ids,
        false);
    for (Planner.Resize r : resizes) {
      List<Node> ofRole = scaled.stream().filter(n -> n.role().equals(r.role())).toList();
      RoleSpec role = cluster.spec().role(r.role()).orElseThrow();
      if (r.volumeOnly()) {
        b.prefix(r.role());
        b.resize(ofRole, r, "resize volumes");
      } else if (role.service(STOP).isPresent()) {
        if (role.verticalScalingPolicy() == ExecutionPolicy.SEQUENTIAL) {
          for (Node n : ofRole) {
            b.prefix(n.id());
            b.services(STOP, List.of(n), s -> true, FailurePolicy.FAIL, STOP);
            b.resize(List.of(n), r, "resize");
            b.services(START, List.of(n), s -> true, FailurePolicy.FAIL, START);
          }
        } else {
          b.prefix(r.role());
          b.services(STOP, ofRole, s -> true, FailurePolicy.FAIL, STOP);
          b.resize(ofRole, r, "resize");
          b.services(START, ofRole, s -> true, FailurePolicy.FAIL, START);
        }
      } else {
        // the role cannot be stopped on its own: the others stop while it is resized
        List<Node> others = up.stream().filter(n -> !n.role().equals(r.role())).toList();
        b.prefix(r.role());
        b.services(STOP, others, s -> true, FailurePolicy.FAIL, "stop other roles");
        b.resize(ofRole, r, "resize");
        b.services(START, others, s -> true, FailurePolicy.FAIL, "start other roles");
      }
    }
    b.prefix("");
    b.metadata("publish /hosts", MetadataStep.Action.PUBLISH, "hosts", List.of(HOSTS), ids, false);
    b.metadata(
        "remove /vertical-scaling-roles",
        MetadataStep.Action.UNPUBLISH,
        "scaling",
        List.of(VERTICAL_SCALING_ROLES),
        ids,
        true);
    b.reload(up, Set.of(HOSTS, VERTICAL_SCALING_ROLES));
    return b.build();
  }
}
