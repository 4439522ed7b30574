package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ConfigValues;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Futures;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Creates a cluster: every node of the spec (or of the request's counts) is new. */
final class CreateOperation extends NewClusterOperation<CreateCluster> {

  CreateOperation() {
    super(CreateCluster.class, OperationType.CREATE);
  }

  @Override
  public String namespace(OperationRequest request) {
    return cast(request).namespace();
  }

  @Override
  public String name(OperationRequest request) {
    return cast(request).name();
  }

  @Override
  public CompletableFuture<Void> check(OperationRequest request, EngineContext ctx) {
    return Futures.call(
        () -> {
          check(cast(request), ctx);
          return done(null);
        });
  }

  @Override
  CompletableFuture<Prepared> prepare(CreateCluster r, String clusterId, EngineContext ctx) {
    check(r, ctx);
    io.clusterlifecycle.core.internal.elastic.Policies.check(
        r.spec(), ctx, "create request for " + r.name());
    Map<String, String> env = new LinkedHashMap<>(r.spec().env());
    env.putAll(r.env());
    Map<String, String> labels = Settings.defaultLabels(r.spec(), r.name());
    labels.putAll(r.labels());
    Cluster.Builder b =
        Cluster.builder(clusterId, r.name(), r.spec(), ctx.now())
            .namespace(r.namespace())
            .labels(labels)
            .env(env);
    for (RoleSpec role : r.spec().roles()) {
      int count = r.counts().getOrDefault(role.name(), role.count());
      for (int i = 1; i <= count; i++) {
        b.putNode(ClusterChanges.newNode(r.name(), r.spec(), role, i));
      }
    }
    Cluster bare = b.build();
    CompletableFuture<List<Cluster>> all =
        r.dependencies().isEmpty()
            ? done(List.of())
            : ctx.retrying(() -> ctx.store().list().toCompletableFuture());
    return all.thenApply(
        records -> {
          List<ValidationProblem> p = new ArrayList<>();
          Cluster c =
              Settings.apply(
                  bare,
                  r.spec(),
                  new SettingsChange(
                      r.values(), r.params(), Map.of(), r.dependencies(), r.plugins()),
                  records,
                  ctx.plugins(),
                  p,
                  "request");
          Checks.throwIf(p, "create request for " + r.name());
          return new Prepared(
              c, plan(c), c.nodes().stream().map(Node::id).collect(Collectors.toSet()), Set.of());
        });
  }

  private static void check(CreateCluster r, EngineContext ctx) {
    r.spec().requireValid();
    List<ValidationProblem> p = new ArrayList<>();
    Checks.templatesLoaded(r.spec(), p);
    Checks.name(r.name(), r.namespace(), p);
    r.counts()
        .forEach(
            (role, count) -> {
              RoleSpec spec = r.spec().role(role).orElse(null);
              if (spec == null) {
                p.add(
                    ValidationProblem.of(
                        "counts." + role,
                        "app "
                            + r.spec().name()
                            + " has no role '"
                            + role
                            + "'; its roles are "
                            + Checks.roleNames(r.spec())));
              } else if (count < spec.minNodes() || count > spec.maxNodes()) {
                p.add(
                    ValidationProblem.of(
                        "counts." + role,
                        "must be within [min_nodes, max_nodes] = ["
                            + spec.minNodes()
                            + ", "
                            + Checks.bound(spec.maxNodes())
                            + "], was "
                            + count));
              }
            });
    long nodes = 0;
    for (RoleSpec role : r.spec().roles()) {
      nodes += r.counts().getOrDefault(role.name(), role.count());
    }
    Checks.nodeLimits(p, ctx, "counts", nodes, nodes);
    Checks.labels(r.labels(), p);
    r.env()
        .forEach(
            (k, v) -> {
              if (!Checks.ENV_KEY.matcher(k).matches()) {
                p.add(ValidationProblem.of("env." + k, "key must match " + Checks.ENV_KEY));
              } else if (AppSpec.looksLikeSecret(k) && !v.isEmpty()) {
                // the value would be stored and published in plain text (docs/design.md §11)
                p.add(
                    ValidationProblem.of(
                        "env." + k,
                        "looks like a secret (the key contains PASSWORD, SECRET or TOKEN, or ends"
                            + " with _KEY); env values are stored and published in plain text, so"
                            + " declare it under the spec's secrets: as a reference instead"));
              } else if (r.spec().secrets().containsKey(k)) {
                p.add(ValidationProblem.of("env." + k, "is also the name of a secret of the spec"));
              } else if (!r.spec().env().containsKey(k)) {
                // the request's env overrides the spec's: a key the spec lacks is a typo
                p.add(
                    ValidationProblem.of(
                        "env." + k,
                        "the app spec's env has no key '"
                            + k
                            + "' to override; its keys are "
                            + (r.spec().env().isEmpty()
                                ? "none"
                                : String.join(
                                    ", ", new java.util.TreeSet<>(r.spec().env().keySet())))
                            + " (add the key to the spec's env first)"));
              }
            });
    p.addAll(ConfigValues.check(r.spec(), r.values(), r.params(), "request"));
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "create request for " + r.name());
  }

  /** The plan of a create: every node of {@code cluster} is new. */
  static Plan plan(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.CREATE);
    List<Node> nodes = cluster.nodes();
    b.createResources(nodes);
    b.metadata(
        "publish metadata",
        MetadataStep.Action.PUBLISH,
        "tree",
        List.of(MetadataStep.ALL),
        List.of(),
        false);
    b.initAndStart(nodes);
    return b.build();
  }
}
