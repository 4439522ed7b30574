package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.CommandRun;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * docs/design.md §5 on random valid app specs: a create runs init (pre-start), then start, then
 * init (post-start); each of the three by ascending order groups, every group strictly after the
 * previous one and all nodes of a group in parallel; exactly on the selected nodes; and the dry-run
 * plan, its JSON and Mermaid renderings and the executed trace describe the same steps.
 *
 * <p>Every command takes a few milliseconds (on a real scheduler) so that runs that may overlap do
 * overlap; ordering is read from the executor's start/end counter, not from clocks. The parallelism
 * check does not rely on thread timing either: see {@link GatedHarness}.
 */
class OrderingPropertiesTest {
  private static final String CLUSTER = "p";
  private static final Duration LATENCY = Duration.ofMillis(5);
  private static final int FULL_PARALLELISM = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();

  // ---------------------------------------------------------------- properties
  // Few tries (each creates a cluster in real time), so no edge cases: with them about half of
  // the tries were one-role specs without init or start.

  @Property(tries = 25, edgeCases = EdgeCasesMode.NONE)
  void create_runsPhasesAndOrderGroupsInSequence_onExactlyTheSelectedNodes_eachGroupInParallel(
      @ForAll("roles") List<GenRole> roles) {
    AppSpec spec = spec(roles);
    List<Group> groups = expectedGroups(roles);
    GatedHarness h = new GatedHarness(groups.stream().map(g -> g.keys().size()).toList());
    try {
      h.commands.onAny().latency(LATENCY);
      Cluster c = h.engine.create(CreateCluster.builder(spec, CLUSTER).build());
      assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
      List<CommandRun> runs = h.commands.runs();

      assertRanExactly(runs, groups);
      assertGroupsStrictlySequential(runs, groups);
      assertStagesAsPlanned(h.events, groups);
      assertEachGroupOverlaps(runs, groups);
    } finally {
      h.close();
    }
  }

  @Property(tries = 20, edgeCases = EdgeCasesMode.NONE)
  @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
  void create_withMaxInFlight3_neverHasMoreThan3CommandsInFlight_andKeepsTheOrder(
      @ForAll("roles") List<GenRole> roles) {
    AppSpec spec = spec(roles);
    List<Group> groups = expectedGroups(roles);
    Harness h = new Harness(3);
    try {
      h.commands.onAny().latency(LATENCY);
      Cluster c = h.engine.create(CreateCluster.builder(spec, CLUSTER).build());
      assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
      List<CommandRun> runs = h.commands.runs();

      assertRanExactly(runs, groups);
      assertGroupsStrictlySequential(runs, groups);
      assertStagesAsPlanned(h.events, groups);
      assertThat(h.commands.maxInFlight())
          .as("most commands in flight at once")
          .isLessThanOrEqualTo(3);
      // not vacuous: the bound is reached (timing-dependent per try, so checked over all tries)
      int largest = groups.stream().mapToInt(g -> g.keys().size()).max().orElse(0);
      Statistics.label("3 in flight")
          .collect(largest < 3 ? "no group of 3" : h.commands.maxInFlight() == 3);
      Statistics.label("3 in flight").coverage(cover -> cover.check(true).count(n -> n >= 1));
    } finally {
      h.close();
    }
  }

  @Property(tries = 20, edgeCases = EdgeCasesMode.NONE)
  void plan_rendersAsJsonAndMermaidStepForStep_andTheExecutedTraceCoversExactlyItsSteps(
      @ForAll("roles") List<GenRole> roles) throws Exception {
    AppSpec spec = spec(roles);
    List<Group> groups = expectedGroups(roles);
    Harness h = new Harness(FULL_PARALLELISM);
    try {
      h.commands.onAny().latency(LATENCY);
      CreateCluster request = CreateCluster.builder(spec, CLUSTER).build();
      Plan plan = h.engine.plan(request);
      long stepCount = plan.steps().count();

      // the plan is the model's: create every node, publish, then one stage per order group
      assertThat(createdNodes(plan)).isEqualTo(allNodes(roles));
      assertThat(plan.stages())
          .extracting(Stage::name)
          .containsExactlyElementsOf(
              concat(
                  List.of("create resources", "publish metadata"),
                  groups.stream().map(Group::stage).toList()));
      assertThat(serviceKeys(plan))
          .isEqualTo(sorted(groups.stream().flatMap(g -> g.keys().stream()).toList()));
      assertThat(plan.steps().map(Step::id).distinct().count())
          .as("distinct step ids")
          .isEqualTo(stepCount);

      // JSON
      String json = RecordCodec.write(plan);
      assertThat(RecordCodec.read(json, Plan.class)).isEqualTo(plan);
      JsonNode tree = JSON.readTree(json);
      int jsonSteps = 0;
      for (JsonNode stage : tree.get("stages")) {
        jsonSteps += stage.get("steps").size();
      }
      assertThat(tree.get("stages").size()).isEqualTo(plan.stages().size());
      assertThat(jsonSteps).as("JSON step count").isEqualTo(stepCount);

      // Mermaid: one subgraph per stage, one box per step, one arrow between consecutive stages
      String mermaid = plan.toMermaid();
      List<String> boxIds = new ArrayList<>();
      List<String> boxLabels = new ArrayList<>();
      List<String> subgraphLabels = new ArrayList<>();
      int ends = 0;
      int arrows = 0;
      for (String line : mermaid.split("\n")) {
        Matcher box = BOX.matcher(line);
        Matcher sub = SUBGRAPH.matcher(line);
        if (box.matches()) {
          boxIds.add(box.group(1));
          boxLabels.add(box.group(2));
        } else if (sub.matches()) {
          subgraphLabels.add(sub.group(2));
        } else if (line.equals("  end")) {
          ends++;
        } else if (ARROW.matcher(line).matches()) {
          arrows++;
        } else if (line.startsWith("%% ")) {
          // the resource estimate, as Mermaid comments before the chart
        } else {
          assertThat(line).as("a line of\n%s", mermaid).isEqualTo("flowchart TD");
        }
      }
      assertThat(boxLabels)
          .as("Mermaid box labels, in plan order")
          .containsExactlyElementsOf(plan.steps().map(s -> mermaidLabel(s.describe())).toList());
      assertThat(boxLabels).hasSize((int) stepCount).hasSize(jsonSteps);
      assertThat(Set.copyOf(boxIds)).as("distinct Mermaid box ids").hasSize(boxIds.size());
      plan.steps()
          .forEach(
              s ->
                  assertThat(occurrences(mermaid, "\"" + mermaidLabel(s.describe()) + "\""))
                      .as("quoted label of %s", s)
                      .isOne());
      List<String> expectedSubgraphs = new ArrayList<>();
      for (int i = 0; i < plan.stages().size(); i++) {
        Stage stage = plan.stages().get(i);
        expectedSubgraphs.add(
            (i + 1) + ". " + mermaidLabel(stage.name()) + (stage.always() ? " (finally)" : ""));
      }
      assertThat(subgraphLabels).containsExactlyElementsOf(expectedSubgraphs);
      assertThat(ends).isEqualTo(plan.stages().size());
      assertThat(arrows).isEqualTo(plan.stages().size() - 1);

      // the run executes exactly that plan
      Cluster c = h.engine.create(request);
      assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
      List<Operation> ops = h.engine.operations(c.id());
      assertThat(ops)
          .singleElement()
          .satisfies(
              op -> {
                assertThat(op.plan().type()).isEqualTo(plan.type());
                assertThat(op.plan().stages()).isEqualTo(plan.stages());
              });
      Map<String, String> stageOfStep = new HashMap<>();
      for (Stage stage : plan.stages()) {
        for (Step s : stage.steps()) {
          if (s instanceof ServiceStep ss) {
            stageOfStep.put(key(ss.service(), ss.node()), stage.name());
          } else if (s instanceof CreateNodeStep cs) {
            stageOfStep.put("+" + cs.node(), stage.name());
          }
        }
      }
      List<LifecycleEvent> finished = h.events.events(EventType.COMMAND_FINISHED);
      List<LifecycleEvent> created = h.events.events(EventType.RESOURCE_CREATED);
      assertThat(
              sorted(
                  finished.stream()
                      .map(e -> key(e.service().orElse(null), e.node().orElse(null)))
                      .toList()))
          .as("commands finished")
          .isEqualTo(serviceKeys(plan));
      assertThat(sorted(created.stream().map((LifecycleEvent e) -> e.node().orElse(null)).toList()))
          .as("resources created")
          .isEqualTo(createdNodes(plan));
      assertThat(finished)
          .allSatisfy(
              e -> {
                assertThat(e.exitCode().orElse(null)).isZero();
                assertThat(e.stage().orElse(null))
                    .isEqualTo(
                        stageOfStep.get(key(e.service().orElse(null), e.node().orElse(null))));
              });
      assertThat(created)
          .allSatisfy(
              e ->
                  assertThat(e.stage().orElse(null))
                      .isEqualTo(stageOfStep.get("+" + e.node().orElse(null))));
    } finally {
      h.close();
    }
  }

  // ---------------------------------------------------------------- generators

  /** One service of a generated role; {@code nodesToExecuteOn} is ALL_NODES when not set. */
  record GenService(int order, boolean postStart, int nodesToExecuteOn) {}

  /** A generated role; {@code init}/{@code start} null when the role lacks that service. */
  record GenRole(
      String name,
      int count,
      int minNodes,
      int maxNodes,
      GenService init,
      GenService start,
      boolean withStop) {}

  @Provide
  Arbitrary<List<GenRole>> roles() {
    return role().list().ofMinSize(1).ofMaxSize(6).uniqueElements(GenRole::name);
  }

  private static Arbitrary<GenRole> role() {
    return Arbitraries.integers()
        .between(1, 20)
        .flatMap(
            count ->
                Combinators.combine(
                        roleName(),
                        Arbitraries.integers().between(0, count),
                        Arbitraries.oneOf(
                            Arbitraries.just(RoleSpec.UNBOUNDED),
                            Arbitraries.integers().between(count, 40)),
                        service(true).injectNull(0.25),
                        service(false).injectNull(0.25),
                        Arbitraries.of(false, true))
                    .as(
                        (name, min, max, init, start, stop) ->
                            new GenRole(name, count, min, max, init, start, stop)));
  }

  /** {@code [a-z][a-z0-9-]{0,39}}, mostly short. */
  private static Arbitrary<String> roleName() {
    Arbitrary<String> first = Arbitraries.chars().range('a', 'z').map(String::valueOf);
    Arbitrary<String> rest =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withCharRange('0', '9')
            .withChars('-')
            .ofMaxLength(39);
    return Combinators.combine(first, rest).as(String::concat);
  }

  private static Arbitrary<GenService> service(boolean init) {
    Arbitrary<Integer> nodesToExecuteOn =
        Arbitraries.frequencyOf(
            Tuple.of(init ? 2 : 5, Arbitraries.just(ServiceSpec.ALL_NODES)),
            Tuple.of(1, Arbitraries.integers().between(1, 25)));
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            init ? Arbitraries.of(false, true) : Arbitraries.just(false),
            nodesToExecuteOn)
        .as(GenService::new);
  }

  static AppSpec spec(List<GenRole> roles) {
    AppSpec.Builder b = AppSpec.builder("app", "1.0");
    for (GenRole r : roles) {
      b.role(
          r.name(),
          rb -> {
            rb.count(r.count()).minNodes(r.minNodes()).maxNodes(r.maxNodes());
            if (r.init() != null) {
              rb.service(
                  "init",
                  s ->
                      s.cmd("i")
                          .order(r.init().order())
                          .postStartService(r.init().postStart())
                          .nodesToExecuteOn(r.init().nodesToExecuteOn()));
            }
            if (r.start() != null) {
              rb.service(
                  "start",
                  s ->
                      s.cmd("s")
                          .order(r.start().order())
                          .nodesToExecuteOn(r.start().nodesToExecuteOn()));
            }
            if (r.withStop()) {
              // must not run during a create
              rb.service("stop", s -> s.cmd("x").order(r.count() % 4));
            }
          });
    }
    return b.build();
  }

  // ---------------------------------------------------------------- the model (docs/design.md §5)

  /** The three phases of init and start together. */
  enum Phase {
    INIT("init", "init"),
    START("start", "start"),
    POST_START_INIT("init", "init (post-start)");

    final String service;
    final String label;

    Phase(String service, String label) {
      this.service = service;
      this.label = label;
    }

    GenService of(GenRole r) {
      return switch (this) {
        case INIT -> r.init() != null && !r.init().postStart() ? r.init() : null;
        case START -> r.start();
        case POST_START_INIT -> r.init() != null && r.init().postStart() ? r.init() : null;
      };
    }
  }

  /** One order group of one phase: the {@code service@node} keys that run together. */
  record Group(Phase phase, int order, Set<String> keys) {
    String stage() {
      return phase.label + " (order " + order + ")";
    }
  }

  /** The groups in the order they must run; each group strictly after the previous one. */
  static List<Group> expectedGroups(List<GenRole> roles) {
    List<Group> groups = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      TreeMap<Integer, Set<String>> byOrder = new TreeMap<>();
      for (GenRole r : roles) {
        GenService s = phase.of(r);
        if (s == null) {
          continue;
        }
        int n = Math.min(r.count(), s.nodesToExecuteOn());
        for (int i = 1; i <= n; i++) {
          byOrder
              .computeIfAbsent(s.order(), k -> new LinkedHashSet<>())
              .add(key(phase.service, nodeId(r, i)));
        }
      }
      byOrder.forEach((order, keys) -> groups.add(new Group(phase, order, keys)));
    }
    return groups;
  }

  static String nodeId(GenRole r, int index) {
    return CLUSTER + "-" + r.name() + "-" + index;
  }

  static List<String> allNodes(List<GenRole> roles) {
    List<String> ids = new ArrayList<>();
    for (GenRole r : roles) {
      for (int i = 1; i <= r.count(); i++) {
        ids.add(nodeId(r, i));
      }
    }
    return sorted(ids);
  }

  static String key(String service, String node) {
    return service + "@" + node;
  }

  // ---------------------------------------------------------------- assertions

  /** Selection: every expected (service, node) ran exactly once, nothing else ran, all exit 0. */
  private static void assertRanExactly(List<CommandRun> runs, List<Group> groups) {
    assertThat(sorted(runs.stream().map(r -> key(r.service(), r.nodeId())).toList()))
        .as("service@node of every command run")
        .isEqualTo(sorted(groups.stream().flatMap(g -> g.keys().stream()).toList()));
    assertThat(runs)
        .allSatisfy(
            r -> {
              assertThat(r.state()).isEqualTo(CommandRun.State.EXITED);
              assertThat(r.exitCode()).isZero();
              assertThat(r.startSeq()).isLessThan(r.endSeq());
            });
  }

  /**
   * Ordering: every run of a group ended before any run of the next group started (which, by
   * transitivity, orders all groups and the three phases).
   */
  private static void assertGroupsStrictlySequential(List<CommandRun> runs, List<Group> groups) {
    Map<String, CommandRun> byKey = byKey(runs);
    for (int i = 1; i < groups.size(); i++) {
      Group before = groups.get(i - 1);
      Group after = groups.get(i);
      CommandRun lastEnd =
          before.keys().stream()
              .map(byKey::get)
              .max((a, b) -> Long.compare(a.endSeq(), b.endSeq()))
              .orElseThrow();
      CommandRun firstStart =
          after.keys().stream()
              .map(byKey::get)
              .min((a, b) -> Long.compare(a.startSeq(), b.startSeq()))
              .orElseThrow();
      assertThat(lastEnd.endSeq())
          .as(
              "'%s' (%s ended at #%d) must end before '%s' (%s started at #%d)",
              before.stage(),
              key(lastEnd.service(), lastEnd.nodeId()),
              lastEnd.endSeq(),
              after.stage(),
              key(firstStart.service(), firstStart.nodeId()),
              firstStart.startSeq())
          .isLessThan(firstStart.startSeq());
    }
  }

  /** Parallelism: in a group of two or more, every run started before any of them ended. */
  private static void assertEachGroupOverlaps(List<CommandRun> runs, List<Group> groups) {
    Map<String, CommandRun> byKey = byKey(runs);
    for (Group g : groups) {
      if (g.keys().size() < 2) {
        continue;
      }
      List<CommandRun> of = g.keys().stream().map(byKey::get).toList();
      long lastStart = of.stream().mapToLong(CommandRun::startSeq).max().orElseThrow();
      long firstEnd = of.stream().mapToLong(CommandRun::endSeq).min().orElseThrow();
      assertThat(lastStart)
          .as(
              "'%s' (%d runs): last start #%d before first end #%d;" + " launched over %s",
              g.stage(),
              of.size(),
              lastStart,
              firstEnd,
              Duration.between(
                  of.stream().map(CommandRun::startedAt).min(Comparable::compareTo).orElseThrow(),
                  of.stream().map(CommandRun::startedAt).max(Comparable::compareTo).orElseThrow()))
          .isLessThan(firstEnd);
    }
  }

  /**
   * The engine's stages for the commands are the model's groups, in order, and each command ran in
   * its group's stage with its group's order.
   */
  private static void assertStagesAsPlanned(RecordingEventListener events, List<Group> groups) {
    List<String> commandStages =
        events.events(EventType.STAGE_STARTED).stream()
            .map((LifecycleEvent e) -> e.stage().orElse(null))
            .filter(s -> !s.equals("create resources") && !s.equals("publish metadata"))
            .toList();
    assertThat(commandStages)
        .as("command stages")
        .containsExactlyElementsOf(groups.stream().map(Group::stage).toList());
    Map<String, Group> groupOf = new HashMap<>();
    groups.forEach(g -> g.keys().forEach(k -> groupOf.put(k, g)));
    assertThat(events.events(EventType.COMMAND_STARTED))
        .allSatisfy(
            e -> {
              Group g = groupOf.get(key(e.service().orElse(null), e.node().orElse(null)));
              assertThat(g)
                  .as("group of %s@%s", e.service().orElse(null), e.node().orElse(null))
                  .isNotNull();
              assertThat(e.stage().orElse(null)).isEqualTo(g.stage());
              assertThat(e.order().orElse(null)).isEqualTo(g.order());
            });
  }

  // ---------------------------------------------------------------- gated harness

  /**
   * An engine on the in-memory SPIs like {@link Harness}, except that its commands' scheduler is a
   * {@link GroupGate}: a command still takes its latency, but does not end before every command of
   * its order group has started. "All started before any ended" then holds for an engine that
   * launches a group together whatever the threads' timing (a launching thread preempted for longer
   * than the latency on a busy two-core machine would otherwise break it).
   */
  private static final class GatedHarness implements AutoCloseable {
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final GroupGate gate;
    final ScriptedCommandExecutor commands;
    final RecordingEventListener events = new RecordingEventListener();
    final LifecycleEngine engine;

    GatedHarness(List<Integer> groupSizes) {
      gate = new GroupGate(groupSizes);
      commands = ScriptedCommandExecutor.builder().scheduler(gate).build();
      engine =
          LifecycleEngine.builder()
              .resourceProvider(InMemoryResourceProvider.builder().scheduler(scheduler).build())
              .commandExecutor(commands)
              .metadataStore(new InMemoryMetadataStore())
              .clusterStore(new InMemoryClusterStore())
              .eventListener(events)
              .scheduler(scheduler)
              .maxInFlight(FULL_PARALLELISM)
              .build();
    }

    @Override
    public void close() {
      engine.close();
      gate.shutdownNow();
      scheduler.shutdownNow();
    }
  }

  /**
   * The scheduler a {@link ScriptedCommandExecutor} ends its runs on, holding the ends of each
   * order group (the expected sizes, in run order) until the whole group has started. A group that
   * does not fill up (an engine that waits for a command before starting the next one) is let go
   * after {@link #GIVE_UP}, so such an engine fails the overlap check instead of hanging.
   */
  private static final class GroupGate extends ScheduledThreadPoolExecutor {
    private static final Duration GIVE_UP = Duration.ofSeconds(1);
    private final ArrayDeque<Integer> sizes;
    // guarded by this
    private CompletableFuture<Void> open;
    private int started;
    private int expected;

    GroupGate(List<Integer> sizes) {
      super(2);
      this.sizes = new ArrayDeque<>(sizes);
    }

    /** Only what ScriptedCommandExecutor calls; internally only {@code super.schedule}. */
    @Override
    public ScheduledFuture<?> schedule(Runnable end, long delay, TimeUnit unit) {
      CompletableFuture<Void> gate;
      synchronized (this) {
        if (open == null) {
          CompletableFuture<Void> fresh = new CompletableFuture<>();
          open = fresh;
          started = 0;
          expected = sizes.isEmpty() ? 1 : sizes.poll();
          super.schedule(() -> release(fresh), GIVE_UP.toMillis(), TimeUnit.MILLISECONDS);
        }
        gate = open;
        if (++started == expected) {
          super.schedule(() -> release(gate), 0, TimeUnit.NANOSECONDS);
        }
      }
      return super.schedule(() -> gate.thenRun(end), delay, unit);
    }

    private void release(CompletableFuture<Void> gate) {
      synchronized (this) {
        if (open == gate) {
          open = null;
        }
      }
      gate.complete(null);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static final Pattern BOX = Pattern.compile("    (st_[A-Za-z0-9_]+)\\[\"(.*)\"]");
  private static final Pattern SUBGRAPH = Pattern.compile("  subgraph (S\\d+)\\[\"(.*)\"]");
  private static final Pattern ARROW = Pattern.compile("  S\\d+ --> S\\d+");

  /** How PlanRenderer writes a label between double quotes. */
  private static String mermaidLabel(String text) {
    return text.replace("\"", "#quot;");
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }

  private static List<String> serviceKeys(Plan plan) {
    return sorted(
        plan.steps()
            .filter(ServiceStep.class::isInstance)
            .map(ServiceStep.class::cast)
            .map(s -> key(s.service(), s.node()))
            .toList());
  }

  private static List<String> createdNodes(Plan plan) {
    return sorted(
        plan.steps()
            .filter(CreateNodeStep.class::isInstance)
            .map(CreateNodeStep.class::cast)
            .map(CreateNodeStep::node)
            .toList());
  }

  private static Map<String, CommandRun> byKey(List<CommandRun> runs) {
    return runs.stream()
        .collect(Collectors.toMap(r -> key(r.service(), r.nodeId()), Function.identity()));
  }

  private static List<String> sorted(List<String> list) {
    return list.stream().sorted().toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
