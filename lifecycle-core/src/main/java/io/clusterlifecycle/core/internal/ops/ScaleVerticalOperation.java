package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.VolumeSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

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
      spec.replaceRole(ClusterChanges.resized(c.spec().role(z.role()).orElseThrow(), z.cpu(),
          z.memory(), z.volumeSize()));
    }
    Cluster next = c.toBuilder().spec(spec.build()).build();
    return done(new Prepared(next, Planner.scaleVertical(next, resizes), Set.of(), Set.of()));
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
        p.add(ValidationProblem.of(at, "give a new cpu, memory or volume size for role "
            + rr.role()));
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
          p.add(ValidationProblem.of(at + ".volume_size", "role " + rr.role()
              + " has no volume to resize"));
        } else if (volume < current) {
          p.add(ValidationProblem.of(at + ".volume_size", "volumes only grow: role "
              + rr.role() + " has " + current + " GiB, asked for " + volume));
        } else {
          Checks.range(p, at + ".volume_size", volume, VolumeSpec.MAX_SIZE_GIB, "GiB");
        }
      }
      if (cpu == role.cpu() && memory == role.memory() && volume == current) {
        p.add(ValidationProblem.of(at, "role " + rr.role() + " already has " + cpu + " cpu, "
            + memory + " MiB" + (current > 0 ? ", " + current + " GiB" : "")
            + "; nothing to change"));
      }
      boolean volumeOnly = cpu == role.cpu() && memory == role.memory() && volume != current;
      resizes.add(new Planner.Resize(rr.role(), cpu, memory, volume, volumeOnly));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "scale-vertical request for " + c.name());
    return resizes;
  }
}
