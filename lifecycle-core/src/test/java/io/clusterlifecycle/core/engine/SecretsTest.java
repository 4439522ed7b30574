package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.core.JsonLinesTrace;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.SecretResolvers;
import io.clusterlifecycle.testkit.CommandRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets end to end (docs/design.md §2, §9.9, §11): a service gets only the secrets it declares,
 * resolved right before its command; records, plans, metadata, journal, events and traces hold the
 * reference, and a value a command prints shows as {@code ***}.
 */
class SecretsTest {
  private static final String DB_VALUE = "pa55-Wd.db-7f3a";
  private static final String TOKEN_VALUE = "tok-91c2e0";

  private final Harness h = new Harness();
  private LifecycleEngine engine;

  @TempDir Path dir;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
    h.close();
  }

  /** db's start gets DB_PASSWORD, web's start gets API_TOKEN; nothing else gets either. */
  private static AppSpec spec() {
    return AppSpec.builder("shop", "1.0")
        .env("db_port", "5432")
        .secret("DB_PASSWORD", "env:SHOP_DB_PASSWORD")
        .secret("API_TOKEN", "host:api-token")
        .role(
            "db",
            r ->
                r.count(1)
                    .service("init", "db-init")
                    .service("start", s -> s.cmd("db-start").addSecret("DB_PASSWORD"))
                    .service("rotate", s -> s.cmd("db-rotate").addSecret("DB_PASSWORD")))
        .role(
            "web",
            r ->
                r.count(2)
                    .service("init", "web-init")
                    .service("start", s -> s.cmd("web-start").addSecret("API_TOKEN")))
        .build();
  }

  private LifecycleEngine engineWith(Map<String, String> processEnv, Path trace) {
    engine =
        h.engine(
            b -> {
              b.secretResolver(
                  SecretResolvers.byScheme(
                      Map.of(
                          SecretRef.ENV,
                          SecretResolvers.environment(processEnv),
                          SecretRef.HOST,
                          SecretResolvers.host(Map.of("api-token", TOKEN_VALUE)))));
              if (trace != null) {
                b.eventListener(JsonLinesTrace.append(trace));
              }
              return b;
            });
    return engine;
  }

  private List<CommandRun> runs(String role, String service) {
    return h.commands.runs(service).stream().filter(r -> r.role().equals(role)).toList();
  }

  @Test
  void aServiceGetsOnlyTheSecretsItDeclares_andNothingStoresTheirValues() {
    LifecycleEngine e = engineWith(Map.of("SHOP_DB_PASSWORD", DB_VALUE), null);
    // a request that does not name its secret variables, or shows a value, fails the create
    h.commands
        .on("start")
        .forRole("db")
        .when(
            r -> !r.secretNames().equals(Set.of("DB_PASSWORD")) || r.toString().contains(DB_VALUE))
        .exit(7);
    h.commands.on("init").when(r -> !r.secretNames().isEmpty()).exit(7);

    Cluster c = e.create(CreateCluster.builder(spec(), "shop").build());

    assertThat(runs("db", "start"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.environment())
                    .containsEntry("DB_PASSWORD", DB_VALUE)
                    .doesNotContainKey("API_TOKEN"));
    assertThat(runs("web", "start"))
        .hasSize(2)
        .allSatisfy(
            r ->
                assertThat(r.environment())
                    .containsEntry("API_TOKEN", TOKEN_VALUE)
                    .doesNotContainKey("DB_PASSWORD"));
    assertThat(h.commands.runs("init"))
        .hasSize(3)
        .allSatisfy(
            r -> assertThat(r.environment()).doesNotContainKeys("DB_PASSWORD", "API_TOKEN"));

    // the stored cluster and operation records, the plan, the tree and the events hold the
    // references at most, never a value
    String cluster = RecordCodec.write(e.get(c.id()));
    assertThat(cluster).contains("env:SHOP_DB_PASSWORD", "host:api-token");
    Operation op = e.operations(c.id()).get(0);
    String all =
        cluster
            + RecordCodec.write(op)
            + RecordCodec.write(op.plan())
            + h.metadata.snapshot()
            + h.events.events();
    assertThat(all).doesNotContain(DB_VALUE).doesNotContain(TOKEN_VALUE);
    assertThat(h.metadata.snapshot().keySet()).noneMatch(k -> k.contains("DB_PASSWORD"));
  }

  @Test
  void aValueACommandPrints_isMaskedInTheErrorJournalEventsTraceAndRecords() throws Exception {
    Path trace = dir.resolve("trace.jsonl");
    LifecycleEngine e = engineWith(Map.of("SHOP_DB_PASSWORD", DB_VALUE), trace);
    Cluster c = e.create(CreateCluster.builder(spec(), "shop").build());
    h.commands
        .on("rotate")
        .stdout("connecting as admin/" + DB_VALUE + "\n")
        .stderr("FATAL: password \"" + DB_VALUE + "\" refused for admin\n")
        .exit(1);

    assertThatThrownBy(() -> e.execute(RunService.of("shop", "rotate")))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            ex -> {
              assertThat(ex.getMessage()).doesNotContain(DB_VALUE);
              assertThat(ex.operation().error().orElse(""))
                  .contains("rotate on shop-db-1 exited with 1")
                  .contains("FATAL: password \"***\" refused for admin")
                  .doesNotContain(DB_VALUE);
            });
    assertThat(runs("db", "rotate"))
        .singleElement()
        .satisfies(r -> assertThat(r.environment()).containsEntry("DB_PASSWORD", DB_VALUE));

    Operation op =
        e.operations(c.id()).stream().filter(o -> o.error().isPresent()).findFirst().orElseThrow();
    List<JournalEntry> journal = h.store.journal(op.id()).toCompletableFuture().get();
    assertThat(journal)
        .filteredOn(j -> j.status() == JournalEntry.Status.FAILED)
        .singleElement()
        .satisfies(
            j -> assertThat(j.detail()).hasValueSatisfying(d -> assertThat(d).contains("\"***\"")));
    List<String> messages =
        h.events.events().stream().map(LifecycleEvent::message).flatMap(Optional::stream).toList();
    assertThat(messages).anyMatch(m -> m.contains("\"***\"")).noneMatch(m -> m.contains(DB_VALUE));
    String traced = Files.readString(trace);
    assertThat(traced)
        .contains("OPERATION_FAILED")
        .contains("\\\"***\\\"")
        .doesNotContain(DB_VALUE);
    String records =
        RecordCodec.write(e.get(c.id()))
            + RecordCodec.write(e.operations(c.id()))
            + journal.stream().map(RecordCodec::write).collect(Collectors.joining());
    assertThat(records).contains("***").doesNotContain(DB_VALUE);
  }

  @Test
  void anUnresolvableReference_failsTheStepNamingTheReference_andTheCommandNeverRuns() {
    LifecycleEngine e = engineWith(Map.of("OTHER", "unrelated-value-55"), null);

    assertThatThrownBy(() -> e.create(CreateCluster.builder(spec(), "shop").build()))
        .isInstanceOfSatisfying(
            OperationFailedException.class,
            ex ->
                assertThat(ex.operation().error().orElse(""))
                    .contains("start on shop-db-1 could not run")
                    .contains("secret DB_PASSWORD (env:SHOP_DB_PASSWORD)")
                    .contains("not_found")
                    .doesNotContain("unrelated-value-55")
                    .doesNotContain(TOKEN_VALUE));
    assertThat(runs("db", "start")).isEmpty();
    assertThat(h.events.events().toString()).doesNotContain(TOKEN_VALUE);
  }

  @Test
  void recover_resolvesTheSecretAgain_soAValueProvidedAfterTheFailureIsUsed() {
    Map<String, String> processEnv = new java.util.concurrent.ConcurrentHashMap<>();
    LifecycleEngine e = engineWith(processEnv, null);
    assertThatThrownBy(() -> e.create(CreateCluster.builder(spec(), "shop").build()))
        .isInstanceOf(OperationFailedException.class);
    assertThat(runs("db", "start")).isEmpty();

    processEnv.put("SHOP_DB_PASSWORD", DB_VALUE);
    Cluster c = e.recover("shop", java.time.Duration.ofSeconds(30));

    assertThat(c.state()).isEqualTo(io.clusterlifecycle.api.state.ClusterState.RUNNING);
    assertThat(runs("db", "start"))
        .singleElement()
        .satisfies(r -> assertThat(r.environment()).containsEntry("DB_PASSWORD", DB_VALUE));
    assertThat(RecordCodec.write(e.operations(c.id()))).doesNotContain(DB_VALUE);
  }

  @Test
  void aPreCheck_getsTheSecretsOfItsService() {
    LifecycleEngine e = engineWith(Map.of("SHOP_DB_PASSWORD", DB_VALUE), null);
    AppSpec spec =
        spec().toBuilder()
            .replaceRole(
                spec().role("web").orElseThrow().toBuilder()
                    .maxNodes(5)
                    .advancedActions(io.clusterlifecycle.api.spec.AdvancedAction.SCALE_HORIZONTAL)
                    .service("scale_out", s -> s.cmd("so").preCheck("check").addSecret("API_TOKEN"))
                    .build())
            .build();
    e.create(CreateCluster.builder(spec, "shop").build());

    e.addNodes(io.clusterlifecycle.api.request.AddNodes.of("shop", "web", 1));

    assertThat(h.commands.runs("scale_out.pre_check"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.environment()).containsEntry("API_TOKEN", TOKEN_VALUE));
    assertThat(h.commands.runs("scale_out"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.environment()).containsEntry("API_TOKEN", TOKEN_VALUE));
  }

  @Test
  void removeRole_keepsTheSpecsSecrets_forTheRolesThatStay() {
    LifecycleEngine e = engineWith(Map.of("SHOP_DB_PASSWORD", DB_VALUE), null);
    e.create(CreateCluster.builder(spec(), "shop").build());

    e.execute(io.clusterlifecycle.api.request.RemoveRole.of("shop", "web"));
    e.execute(RunService.of("shop", "rotate"));

    assertThat(e.get("shop").spec().secrets()).containsKeys("DB_PASSWORD", "API_TOKEN");
    assertThat(runs("db", "rotate"))
        .singleElement()
        .satisfies(r -> assertThat(r.environment()).containsEntry("DB_PASSWORD", DB_VALUE));
  }

  @Test
  void hostSecrets_addHostReferencesToTheDefaultResolvers() {
    engine =
        h.engine(
            b ->
                b.hostSecrets(
                    k -> k.equals("api-token") ? Optional.of(TOKEN_VALUE) : Optional.empty()));
    AppSpec onlyHost =
        AppSpec.builder("api", "1")
            .secret("API_TOKEN", "host:api-token")
            .role("web", r -> r.service("start", s -> s.cmd("w").addSecret("API_TOKEN")))
            .build();

    engine.create(CreateCluster.builder(onlyHost, "api").build());

    assertThat(runs("web", "start"))
        .singleElement()
        .satisfies(r -> assertThat(r.environment()).containsEntry("API_TOKEN", TOKEN_VALUE));
  }

  @Test
  void secretResolverAndHostSecrets_cannotBothBeSet() {
    assertThatThrownBy(
            () ->
                h.engine(
                    b ->
                        b.secretResolver(SecretResolvers.defaults())
                            .hostSecrets(k -> Optional.empty())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SecretResolvers.host");
  }

  @Test
  void createEnv_withASecretLookingKeyAndAValue_isRefusedBeforeAnythingIsWritten() {
    assertThatThrownBy(
            () ->
                h.engine.create(
                    CreateCluster.builder(spec(), "shop")
                        .env("admin_password", "hunter2")
                        .env("DB_PASSWORD", "")
                        .build()))
        .isInstanceOfSatisfying(
            ValidationException.class,
            ex ->
                assertThat(ex.problems())
                    .extracting(p -> p.path() + ": " + p.reason())
                    .anyMatch(s -> s.startsWith("env.admin_password: looks like a secret"))
                    .anyMatch(s -> s.startsWith("env.DB_PASSWORD: is also the name of a secret"))
                    .noneMatch(s -> s.contains("hunter2")));
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).isEmpty();
  }
}
