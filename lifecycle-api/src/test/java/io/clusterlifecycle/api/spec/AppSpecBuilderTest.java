package io.clusterlifecycle.api.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppSpecBuilderTest {

  /** A spec that sets every setting away from its default. */
  private static AppSpec everythingSet() {
    return AppSpec.builder("hadoop", "3.3.6")
        .env("replication", "2")
        .env("rack", "r1")
        .role(
            "master",
            r ->
                r.count(1)
                    .minNodes(1)
                    .maxNodes(1)
                    .cpu(2)
                    .memory(4096)
                    .image("hadoop:3.3.6")
                    .volume(50, "/data")
                    .service(StandardService.INIT, s -> s.cmd("format.sh").postStartService(true))
                    .service(
                        StandardService.START,
                        s -> s.cmd("start.sh").order(1).timeout(Duration.ofSeconds(120))))
        .role(
            "worker",
            r ->
                r.count(3)
                    .minNodes(2)
                    .maxNodes(20)
                    .cpu(4)
                    .memory(8192)
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .verticalScalingPolicy(ExecutionPolicy.SEQUENTIAL)
                    .upgradingPolicy(ExecutionPolicy.SEQUENTIAL)
                    .service("destroy", s -> s.cmd("drain.sh").postStopService(true))
                    .service("scale_out", s -> s.cmd("rebalance.sh").nodesToExecuteOn(1))
                    .service("scale_in", s -> s.cmd("decommission.sh").preCheck("test -d blocks"))
                    .service("reload", s -> s.cmd("reload.sh").addWatch("/hosts", "/env"))
                    .service("smoke-test", "test -f ok"))
        .build();
  }

  // ---- defaults

  @Test
  void roleBuilder_startsAtTheDocumentedDefaults() {
    RoleSpec role = RoleSpec.builder("zk").build();

    assertThat(role.count()).isEqualTo(RoleSpec.DEFAULT_COUNT).isEqualTo(1);
    assertThat(role.minNodes()).isEqualTo(RoleSpec.DEFAULT_MIN_NODES).isEqualTo(1);
    assertThat(role.maxNodes()).isEqualTo(RoleSpec.UNBOUNDED);
    assertThat(role.cpu()).isEqualTo(RoleSpec.DEFAULT_CPU);
    assertThat(role.memory()).isEqualTo(RoleSpec.DEFAULT_MEMORY_MIB);
    assertThat(role.image()).isEmpty();
    assertThat(role.volume()).isEmpty();
    assertThat(role.advancedActions()).isEmpty();
    assertThat(role.allows(AdvancedAction.SCALE_HORIZONTAL)).isFalse();
    assertThat(role.verticalScalingPolicy()).isEqualTo(ExecutionPolicy.PARALLEL);
    assertThat(role.upgradingPolicy()).isEqualTo(ExecutionPolicy.PARALLEL);
    assertThat(role.services()).isEmpty();
  }

  @Test
  void serviceBuilder_startsAtTheDocumentedDefaults() {
    ServiceSpec service = ServiceSpec.of("run.sh");

    assertThat(service.cmd()).isEqualTo("run.sh");
    assertThat(service.order()).isEqualTo(ServiceSpec.DEFAULT_ORDER).isZero();
    assertThat(service.timeout())
        .isEqualTo(ServiceSpec.DEFAULT_TIMEOUT)
        .isEqualTo(Duration.ofSeconds(600));
    assertThat(service.nodesToExecuteOn()).isEqualTo(ServiceSpec.ALL_NODES);
    assertThat(service.runsOnAllNodes()).isTrue();
    assertThat(service.postStartService()).isFalse();
    assertThat(service.postStopService()).isFalse();
    assertThat(service.preCheck()).isEmpty();
    assertThat(service.watch()).isEmpty();
    assertThat(ServiceSpec.of("run.sh", 3).order()).isEqualTo(3);
    assertThat(ServiceSpec.builder("x").nodesToExecuteOn(2).build().runsOnAllNodes()).isFalse();
  }

  @Test
  void volumeOf_mountsAtTheDefaultMountPoint() {
    VolumeSpec volume = VolumeSpec.of(20);

    assertThat(volume.mountPoint()).isEqualTo(VolumeSpec.DEFAULT_MOUNT_POINT).isEqualTo("/data");
    assertThat(volume.withSize(40)).isEqualTo(new VolumeSpec(40, "/data"));
  }

  @Test
  void minimalSpec_buildsWithDefaultsAndNoEnv() {
    AppSpec spec = AppSpec.builder("zk", "1").role("zk", r -> {}).build();

    assertThat(spec.env()).isEmpty();
    assertThat(spec.roles()).containsExactly(RoleSpec.builder("zk").build());
    assertThat(spec.totalNodes()).isEqualTo(RoleSpec.DEFAULT_COUNT);
    assertThat(spec.validate()).isEmpty();
    assertThat(spec.requireValid()).isSameAs(spec);
  }

  // ---- validation in build()

  @Test
  void build_throwsListingEveryProblemWithFileFormatPaths() {
    AppSpec.Builder builder =
        AppSpec.builder("zk", "1")
            .role(
                "zk",
                r ->
                    r.minNodes(-1)
                        .cpu(0)
                        .service("start", s -> s.cmd("run").order(-1).timeout(Duration.ZERO)))
            .role("zk", r -> r.service("scale_out", s -> s.cmd("  ").nodesToExecuteOn(0)));

    ValidationException e = catchThrowableOfType(ValidationException.class, builder::build);

    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(
            tuple("roles[0].min_nodes", "must be >= 0, was -1"),
            tuple("roles[0].cpu", "must be between 1 and 4096 cores, was 0"),
            tuple("roles[0].services.start.order", "must be >= 0, was -1"),
            tuple(
                "roles[0].services.start.timeout",
                "must be whole seconds between 1 and 86400, was 0s"),
            tuple("roles[1].role", "duplicate role 'zk' (also roles[0])"),
            tuple("roles[1].services.scale_out.cmd", "must not be blank"),
            tuple("roles[1].services.scale_out.nodes_to_execute_on", "must be >= 1, was 0"));
    assertThat(e.problems()).noneMatch(ValidationProblem::hasLocation);
    assertThat(e.getMessage())
        .startsWith(
            "7 problems in app spec zk 1:\n" + "  roles[0].min_nodes: must be >= 0, was -1\n");
  }

  @Test
  void build_reportsServiceFieldsOnServicesThatMayNotCarryThem() {
    AppSpec.Builder builder =
        AppSpec.builder("zk", "1")
            .role(
                "zk",
                r ->
                    r.service("start", s -> s.cmd("run").postStartService(true).preCheck("true"))
                        .service("stop", s -> s.cmd("run").postStopService(true).addWatch("/hosts"))
                        .service("upgrade", s -> s.cmd("run").postStartService(true))
                        .service("reload", s -> s.cmd("run").addWatch("hosts"))
                        .service("my-check", s -> s.cmd("run").timeout(Duration.ofMillis(1500))));

    ValidationException e = catchThrowableOfType(ValidationException.class, builder::build);

    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(
            tuple(
                "roles[0].services.start.post_start_service",
                "is only allowed on init and upgrade"),
            tuple("roles[0].services.start.pre_check", "is only allowed on scale_out and scale_in"),
            tuple("roles[0].services.stop.post_stop_service", "is only allowed on destroy"),
            tuple("roles[0].services.stop.watch", "is only allowed on reload"),
            tuple(
                "roles[0].services.reload.watch[0]",
                "must be an absolute metadata path such as /hosts, was 'hosts'"),
            tuple(
                "roles[0].services.my-check.timeout",
                "must be whole seconds between 1 and 86400, was PT1.5S"));
  }

  @Test
  void build_refusesBadNamesAndVersions() {
    AppSpec.Builder builder = AppSpec.builder("", "has space").role("Role", r -> {});

    ValidationException e = catchThrowableOfType(ValidationException.class, builder::build);

    assertThat(e.problems())
        .extracting(ValidationProblem::path)
        .containsExactly("name", "version", "roles[0].role");
    assertThat(e.problems().get(0).reason()).isEqualTo("is required");
  }

  @Test
  void build_withoutRoles_isRefused() {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> AppSpec.builder("zk", "1").build());

    assertThat(e.problems())
        .containsExactly(ValidationProblem.of("roles", "must list at least one role"));
  }

  @Test
  void canonicalConstructor_acceptsAnInvalidSpecThatValidateThenReports() {
    AppSpec spec = new AppSpec("zk", "1", Map.of(), List.of(RoleSpec.builder("zk").cpu(0).build()));

    assertThat(spec.validate()).extracting(ValidationProblem::path).containsExactly("roles[0].cpu");
    assertThatThrownBy(spec::requireValid)
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("roles[0].cpu: must be between 1 and 4096 cores, was 0");
  }

  @Test
  void nullArguments_failFastInBuilders() {
    assertThatThrownBy(() -> AppSpec.builder(null, "1")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AppSpec.builder("zk", "1").env("k", null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RoleSpec.builder("zk").service("start", (ServiceSpec) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ServiceSpec.builder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new VolumeSpec(1, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void advancedActions_namedTwice_areKeptOnce() {
    RoleSpec role =
        RoleSpec.builder("zk")
            .advancedActions(AdvancedAction.SCALE_HORIZONTAL, AdvancedAction.SCALE_HORIZONTAL)
            .build();

    assertThat(role.advancedActions()).containsExactly(AdvancedAction.SCALE_HORIZONTAL);
    assertThat(role.allows(AdvancedAction.SCALE_HORIZONTAL)).isTrue();
  }

  // ---- copies

  @Test
  void toBuilder_roundTripsEveryLevelToAnEqualValue() {
    AppSpec spec = everythingSet();

    assertThat(spec.toBuilder().build()).isEqualTo(spec).isNotSameAs(spec);
    for (RoleSpec role : spec.roles()) {
      assertThat(role.toBuilder().build()).isEqualTo(role);
      role.services().values().forEach(s -> assertThat(s.toBuilder().build()).isEqualTo(s));
    }
  }

  @Test
  void toBuilder_changesACopyAndLeavesTheOriginalAlone() {
    AppSpec spec = everythingSet();
    RoleSpec worker = spec.role("worker").orElseThrow();

    AppSpec next =
        spec.toBuilder()
            .version("3.4.0")
            .env("replication", "3")
            .replaceRole(worker.toBuilder().count(5).build())
            .build();

    assertThat(next.version()).isEqualTo("3.4.0");
    assertThat(next.env()).containsEntry("replication", "3");
    assertThat(next.role("worker").orElseThrow().count()).isEqualTo(5);
    assertThat(next.roles()).extracting(RoleSpec::name).containsExactly("master", "worker");
    assertThat(spec.version()).isEqualTo("3.3.6");
    assertThat(spec.env()).containsEntry("replication", "2");
    assertThat(spec.role("worker").orElseThrow().count()).isEqualTo(3);
  }

  @Test
  void replaceRole_withUnknownName_isRefused() {
    AppSpec.Builder builder = everythingSet().toBuilder();

    assertThatThrownBy(() -> builder.replaceRole(RoleSpec.builder("client").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no role named client");
  }

  @Test
  void collections_areUnmodifiable() {
    AppSpec spec = everythingSet();
    RoleSpec worker = spec.role("worker").orElseThrow();

    assertThatThrownBy(() -> spec.env().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> spec.roles().add(worker))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> worker.services().remove("reload"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> worker.advancedActions().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> worker.service("reload").orElseThrow().watch().add("/x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void collectionsPassedIn_areCopied() {
    Map<String, String> env = new LinkedHashMap<>(Map.of("a", "1"));
    List<RoleSpec> roles = new ArrayList<>(List.of(RoleSpec.builder("zk").build()));
    Map<String, ServiceSpec> services = new LinkedHashMap<>(Map.of("start", ServiceSpec.of("x")));
    Set<AdvancedAction> actions = EnumSet.of(AdvancedAction.SCALE_HORIZONTAL);
    List<String> watch = new ArrayList<>(List.of("/hosts"));

    AppSpec spec = new AppSpec("zk", "1", env, roles);
    RoleSpec role =
        new RoleSpec(
            "r",
            1,
            1,
            3,
            1,
            1,
            Optional.empty(),
            Optional.empty(),
            actions,
            ExecutionPolicy.PARALLEL,
            ExecutionPolicy.PARALLEL,
            services);
    ServiceSpec reload = ServiceSpec.builder("x").watch(watch).build();
    AppSpec built = AppSpec.builder("zk", "1").env(env).role(role).build();

    env.put("b", "2");
    roles.clear();
    services.put("stop", ServiceSpec.of("y"));
    actions.clear();
    watch.add("/env");

    assertThat(spec.env()).containsOnlyKeys("a");
    assertThat(spec.roles()).hasSize(1);
    assertThat(built.env()).containsOnlyKeys("a");
    assertThat(role.services()).containsOnlyKeys("start");
    assertThat(role.advancedActions()).containsExactly(AdvancedAction.SCALE_HORIZONTAL);
    assertThat(reload.watch()).containsExactly("/hosts");
  }

  @Test
  void builderUsedAgainAfterBuild_doesNotChangeWhatItBuilt() {
    RoleSpec.Builder roleBuilder = RoleSpec.builder("zk").service("start", "run");
    RoleSpec first = roleBuilder.build();
    roleBuilder.service("stop", "halt").count(4);

    AppSpec.Builder appBuilder = AppSpec.builder("zk", "1").role(first);
    AppSpec firstApp = appBuilder.build();
    appBuilder.env("late", "x").role("other", r -> {});

    assertThat(first.services()).containsOnlyKeys("start");
    assertThat(first.count()).isEqualTo(1);
    assertThat(firstApp.env()).isEmpty();
    assertThat(firstApp.roles()).hasSize(1);
  }

  // ---- order and lookup

  @Test
  void servicesAndEnv_keepDeclarationOrder() {
    AppSpec spec =
        AppSpec.builder("zk", "1")
            .env("zeta", "1")
            .env("alpha", "2")
            .env("mid", "3")
            .role(
                "zk",
                r ->
                    r.service("stop", "a")
                        .service("init", "b")
                        .service("my-custom", "c")
                        .service("start", "d")
                        .service("backup", "e"))
            .build();

    assertThat(spec.env().keySet()).containsExactly("zeta", "alpha", "mid");
    assertThat(spec.roles().get(0).services().keySet())
        .containsExactly("stop", "init", "my-custom", "start", "backup");
  }

  @Test
  void rolesKeepDeclarationOrder() {
    AppSpec spec =
        AppSpec.builder("zk", "1")
            .role("zeta", r -> {})
            .role("alpha", r -> {})
            .role("mid", r -> {})
            .build();

    assertThat(spec.roles()).extracting(RoleSpec::name).containsExactly("zeta", "alpha", "mid");
  }

  @Test
  void roleAndServiceLookup_findByName() {
    AppSpec spec = everythingSet();

    assertThat(spec.role("worker")).hasValueSatisfying(r -> assertThat(r.count()).isEqualTo(3));
    assertThat(spec.role("client")).isEmpty();
    RoleSpec worker = spec.role("worker").orElseThrow();
    assertThat(worker.service(StandardService.SCALE_IN))
        .hasValueSatisfying(s -> assertThat(s.preCheck()).contains("test -d blocks"));
    assertThat(worker.service("smoke-test")).map(ServiceSpec::cmd).contains("test -f ok");
    assertThat(worker.service(StandardService.START)).isEmpty();
    assertThat(spec.totalNodes()).isEqualTo(4);
  }

  @Test
  void standardNames_mapToAndFromTheFileFormat() {
    assertThat(StandardService.fromServiceName("scale_out")).contains(StandardService.SCALE_OUT);
    assertThat(StandardService.fromServiceName("my-custom")).isEmpty();
    assertThat(StandardService.SCALE_IN.serviceName()).isEqualTo("scale_in");
    assertThat(ExecutionPolicy.fromFileName("sequential")).contains(ExecutionPolicy.SEQUENTIAL);
    assertThat(ExecutionPolicy.fromFileName("SEQUENTIAL")).isEmpty();
    assertThat(AdvancedAction.fromFileName("scale_horizontal"))
        .contains(AdvancedAction.SCALE_HORIZONTAL);
  }

  // ---- the problem and exception types

  @Test
  void validationProblem_rendersWithAndWithoutLocation() {
    assertThat(ValidationProblem.of("roles[0].cpu", "must be >= 1"))
        .hasToString("roles[0].cpu: must be >= 1")
        .matches(p -> !p.hasLocation());
    assertThat(new ValidationProblem("name", "is required", 3, 7))
        .hasToString("name: is required (line 3, column 7)")
        .matches(ValidationProblem::hasLocation);
    assertThatThrownBy(() -> new ValidationProblem("name", "x", -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validationException_needsAProblemAndCopiesTheList() {
    assertThatThrownBy(() -> new ValidationException("x", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    List<ValidationProblem> problems = new ArrayList<>(List.of(ValidationProblem.of("a", "b")));

    ValidationException e = new ValidationException("app spec x", problems);
    problems.clear();

    assertThat(e.problems()).hasSize(1);
    assertThat(e).hasMessage("1 problem in app spec x:\n  a: b");
  }
}
