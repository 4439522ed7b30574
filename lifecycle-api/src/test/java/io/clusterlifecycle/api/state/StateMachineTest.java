package io.clusterlifecycle.api.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.error.LifecycleException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StateMachineTest {

  private static final Set<ClusterState> BUSY =
      EnumSet.of(
          ClusterState.DEPLOYING,
          ClusterState.SCALING,
          ClusterState.UPDATING,
          ClusterState.STOPPING,
          ClusterState.STARTING,
          ClusterState.UNDEPLOYING);
  private static final Set<ClusterState> FAILED =
      EnumSet.of(
          ClusterState.FAILED_DEPLOYING,
          ClusterState.FAILED_SCALING,
          ClusterState.FAILED_UPDATING,
          ClusterState.FAILED_UNDEPLOYING);

  // ---- operations against the cluster table

  @ParameterizedTest
  @EnumSource(OperationType.class)
  void operation_startsFromEachStartStateIntoItsBusyActiveState(OperationType op) {
    assertThat(op.startStates()).isNotEmpty();
    assertThat(op.activeState().isBusy()).as("%s active state", op).isTrue();
    for (ClusterState from : op.startStates()) {
      assertThat(from.canMoveTo(op.activeState()))
          .as("%s: %s -> %s", op, from, op.activeState())
          .isTrue();
      assertThat(op.begin(from)).isEqualTo(op.activeState());
    }
  }

  @ParameterizedTest
  @EnumSource(OperationType.class)
  void operation_endsThroughTableEdgesOnSuccessAndOnFailure(OperationType op) {
    ClusterState active = op.activeState();
    assertThat(op.failureState().isFailed()).as("%s failure state", op).isTrue();
    assertThat(active.canMoveTo(op.failureState()))
        .as("%s: %s -> %s", op, active, op.failureState())
        .isTrue();
    for (ClusterState from : op.startStates()) {
      ClusterState success = op.successState(from);
      assertThat(active.canMoveTo(success))
          .as("%s from %s: %s -> %s", op, from, active, success)
          .isTrue();
      assertThat(success.isBusy() || success.isFailed())
          .as("%s success state %s", op, success)
          .isFalse();
      assertThat(active.moveTo(success)).isEqualTo(success);
    }
  }

  @Test
  void upgradeAndRollbackOfAStoppedCluster_leaveItStopped() {
    assertThat(OperationType.UPGRADE.successState(ClusterState.STOPPED))
        .isEqualTo(ClusterState.STOPPED);
    assertThat(OperationType.ROLLBACK.successState(ClusterState.STOPPED))
        .isEqualTo(ClusterState.STOPPED);
    assertThat(OperationType.UPGRADE.successState(ClusterState.RUNNING))
        .isEqualTo(ClusterState.RUNNING);
    assertThat(OperationType.RESTART.successState(ClusterState.COOLDOWN))
        .isEqualTo(ClusterState.RUNNING);
    assertThat(OperationType.ELASTIC_SCALE.successState(ClusterState.RUNNING))
        .isEqualTo(ClusterState.COOLDOWN);
    assertThat(OperationType.STOP.successState(ClusterState.RUNNING))
        .isEqualTo(ClusterState.STOPPED);
  }

  @Test
  void everyBusyState_isTheActiveStateOfSomeOperation() {
    Set<ClusterState> active =
        Arrays.stream(OperationType.values())
            .map(OperationType::activeState)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(ClusterState.class)));

    assertThat(active).isEqualTo(BUSY);
  }

  @ParameterizedTest
  @EnumSource(OperationType.class)
  void begin_fromADisallowedState_isRefusedNamingTheStateAndChangesNothing(OperationType op) {
    for (ClusterState current : EnumSet.complementOf(EnumSet.copyOf(op.startStates()))) {
      AtomicReference<ClusterState> cluster = new AtomicReference<>(current);
      Set<ClusterState> targetsBefore = Set.copyOf(current.targets());

      IllegalStateTransitionException e =
          catchThrowableOfType(
              IllegalStateTransitionException.class, () -> cluster.set(op.begin(cluster.get())));

      assertThat(e)
          .as("%s from %s", op, current)
          .isNotNull()
          .isInstanceOf(LifecycleException.class);
      assertThat(e.getMessage())
          .startsWith(op.displayName() + " is not allowed while the cluster is " + current + ";")
          .contains("it is allowed in " + op.startStates().iterator().next());
      assertThat(e.from()).isEqualTo(current);
      assertThat(e.to()).isEqualTo(op.activeState());
      assertThat(cluster.get()).isEqualTo(current);
      assertThat(current.targets()).isEqualTo(targetsBefore);
    }
  }

  @Test
  void begin_message_listsEveryAllowedStartState() {
    IllegalStateTransitionException e =
        catchThrowableOfType(
            IllegalStateTransitionException.class,
            () -> OperationType.ADD_NODES.begin(ClusterState.STOPPED));

    assertThat(e)
        .hasMessage(
            "add nodes is not allowed while the cluster is STOPPED; it is"
                + " allowed in RUNNING, WARNING, COOLDOWN");
  }

  @Test
  void deleteMayStartFromEveryFailedState_andRollbackFromAFailedUpdate() {
    assertThat(OperationType.DELETE.startStates()).containsAll(FAILED);
    assertThat(OperationType.ROLLBACK.startStates()).contains(ClusterState.FAILED_UPDATING);
    assertThat(OperationType.DELETE.startStates())
        .doesNotContainAnyElementsOf(BUSY)
        .doesNotContain(ClusterState.DONE);
  }

  @Test
  void noOperation_startsFromABusyStateOrFromDone() {
    for (OperationType op : OperationType.values()) {
      assertThat(op.startStates())
          .as("%s", op)
          .doesNotContainAnyElementsOf(BUSY)
          .doesNotContain(ClusterState.DONE);
    }
  }

  // ---- the cluster table itself

  @Test
  void moveTo_disallowedPair_throwsNamingBothStates() {
    IllegalStateTransitionException e =
        catchThrowableOfType(
            IllegalStateTransitionException.class,
            () -> ClusterState.RUNNING.moveTo(ClusterState.DONE));

    assertThat(e).hasMessage("ClusterState cannot move from RUNNING to DONE");
    assertThat(e.from()).isEqualTo(ClusterState.RUNNING);
    assertThat(e.to()).isEqualTo(ClusterState.DONE);
  }

  @Test
  void canMoveTo_moveToAndTargets_agreeOnEveryPair() {
    for (ClusterState from : ClusterState.values()) {
      for (ClusterState to : ClusterState.values()) {
        boolean allowed = from.targets().contains(to);
        assertThat(from.canMoveTo(to)).as("%s -> %s", from, to).isEqualTo(allowed);
        if (allowed) {
          assertThat(from.moveTo(to)).isEqualTo(to);
        } else {
          assertThatThrownBy(() -> from.moveTo(to))
              .isInstanceOf(IllegalStateTransitionException.class)
              .hasMessage("ClusterState cannot move from " + from + " to " + to);
        }
      }
    }
  }

  @Test
  void noState_movesToItself() {
    for (ClusterState s : ClusterState.values()) {
      assertThat(s.canMoveTo(s)).as("%s", s).isFalse();
    }
  }

  @Test
  void done_hasNoTargetsAndIsReachedOnlyFromUndeploying_orBySkipFailedFromAFailedDelete() {
    assertThat(ClusterState.DONE.targets()).isEmpty();
    assertThat(Arrays.stream(ClusterState.values()).filter(s -> s.canMoveTo(ClusterState.DONE)))
        .containsExactly(ClusterState.UNDEPLOYING, ClusterState.FAILED_UNDEPLOYING);
  }

  private static Set<ClusterState> union(Set<ClusterState> a, ClusterState b) {
    Set<ClusterState> all = EnumSet.copyOf(a);
    all.add(b);
    return all;
  }

  @Test
  void targets_areUnmodifiable() {
    assertThatThrownBy(() -> ClusterState.RUNNING.targets().add(ClusterState.DONE))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(ClusterState.RUNNING.canMoveTo(ClusterState.DONE)).isFalse();
  }

  @Test
  void busyAndFailedClassification_matchesTheSpec() {
    for (ClusterState s : ClusterState.values()) {
      assertThat(s.isBusy()).as("%s busy", s).isEqualTo(BUSY.contains(s));
      assertThat(s.isFailed()).as("%s failed", s).isEqualTo(FAILED.contains(s));
    }
    assertThat(ClusterState.COOLDOWN.isBusy()).isFalse();
    assertThat(ClusterState.WARNING.isBusy()).isFalse();
  }

  @Test
  void failedStates_areLeftOnlyTowardTheirOperationsActiveStateUndeployingOrSkipFailedsStates() {
    Map<ClusterState, Set<ClusterState>> resumable = new EnumMap<>(ClusterState.class);
    for (OperationType op : OperationType.values()) {
      resumable
          .computeIfAbsent(op.failureState(), f -> EnumSet.noneOf(ClusterState.class))
          .add(op.activeState());
    }

    for (ClusterState failed : FAILED) {
      // skip-failed sets a failed cluster to what its nodes are: running or stopped
      Set<ClusterState> allowed =
          EnumSet.of(ClusterState.UNDEPLOYING, ClusterState.RUNNING, ClusterState.STOPPED);
      allowed.addAll(resumable.getOrDefault(failed, Set.of()));
      assertThat(failed.targets())
          .as("%s", failed)
          .isNotEmpty()
          .isSubsetOf(
              failed == ClusterState.FAILED_UNDEPLOYING
                  ? union(allowed, ClusterState.DONE)
                  : allowed)
          .contains(ClusterState.UNDEPLOYING, ClusterState.RUNNING, ClusterState.STOPPED);
    }
    assertThat(ClusterState.FAILED_DEPLOYING.targets())
        .containsExactlyInAnyOrder(
            ClusterState.DEPLOYING,
            ClusterState.UNDEPLOYING,
            ClusterState.RUNNING,
            ClusterState.STOPPED);
    assertThat(ClusterState.FAILED_UNDEPLOYING.targets())
        .containsExactlyInAnyOrder(
            ClusterState.UNDEPLOYING,
            ClusterState.RUNNING,
            ClusterState.STOPPED,
            ClusterState.DONE);
  }

  @Test
  void everyFailedState_isReachableFromRunning() {
    Map<ClusterState, List<ClusterState>> paths = shortestPathsFrom(ClusterState.RUNNING);

    for (ClusterState failed : FAILED) {
      assertThat(paths).as("path to %s", failed).containsKey(failed);
      // replay the path through moveTo: every hop must be allowed
      ClusterState at = ClusterState.RUNNING;
      for (ClusterState next : paths.get(failed)) {
        at = at.moveTo(next);
      }
      assertThat(at).isEqualTo(failed);
    }
  }

  @Test
  void everyStateButPending_isReachableFromPending_andDoneFromEveryState() {
    assertThat(shortestPathsFrom(ClusterState.PENDING).keySet())
        .containsExactlyInAnyOrderElementsOf(
            EnumSet.complementOf(EnumSet.of(ClusterState.PENDING)));
    for (ClusterState s : EnumSet.complementOf(EnumSet.of(ClusterState.DONE))) {
      assertThat(shortestPathsFrom(s)).as("from %s", s).containsKey(ClusterState.DONE);
    }
  }

  /** Breadth-first search over {@link ClusterState#targets()}: state -> hops to reach it. */
  private static Map<ClusterState, List<ClusterState>> shortestPathsFrom(ClusterState start) {
    Map<ClusterState, List<ClusterState>> paths = new EnumMap<>(ClusterState.class);
    Deque<ClusterState> queue = new ArrayDeque<>(List.of(start));
    while (!queue.isEmpty()) {
      ClusterState s = queue.poll();
      List<ClusterState> toS = paths.getOrDefault(s, List.of());
      for (ClusterState t : s.targets()) {
        if (t != start && !paths.containsKey(t)) {
          List<ClusterState> p = new ArrayList<>(toS);
          p.add(t);
          paths.put(t, p);
          queue.add(t);
        }
      }
    }
    return paths;
  }

  /**
   * A random walk from RUNNING: each step either follows a random allowed edge or tries a random
   * state. Whatever is tried, the machine only ever moves along table edges, a refused move leaves
   * it where it was, and wherever the walk ends (short of DONE) every FAILED_* state can still be
   * reached: there is no dead end.
   */
  @Property(tries = 300)
  void randomWalk_onlyEverFollowsTableEdges(
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 1_000) Integer> choices) {
    ClusterState at = ClusterState.RUNNING;
    for (int choice : choices) {
      List<ClusterState> targets = List.copyOf(at.targets());
      boolean followEdge = choice % 2 == 0 && !targets.isEmpty();
      ClusterState wanted =
          followEdge
              ? targets.get((choice / 2) % targets.size())
              : ClusterState.values()[(choice / 2) % ClusterState.values().length];
      ClusterState before = at;
      try {
        at = at.moveTo(wanted);
        assertThat(before.targets()).as("%s -> %s", before, wanted).contains(wanted);
        assertThat(at).isEqualTo(wanted);
      } catch (IllegalStateTransitionException e) {
        assertThat(before.canMoveTo(wanted)).as("refused %s -> %s", before, wanted).isFalse();
        assertThat(e.from()).isEqualTo(before);
        assertThat(e.to()).isEqualTo(wanted);
        assertThat(at).isEqualTo(before);
      }
    }
    if (at != ClusterState.DONE) {
      Set<ClusterState> reachable = EnumSet.of(at);
      reachable.addAll(shortestPathsFrom(at).keySet());
      assertThat(reachable).as("reachable from %s", at).containsAll(FAILED);
    }
  }

  /** A random sequence of operations, each succeeding or failing, keeps the cluster consistent. */
  @Property(tries = 300)
  void randomOperations_keepTheClusterInAConsistentState(
      @ForAll @Size(max = 40) List<OperationType> ops,
      @ForAll @Size(max = 40) List<Boolean> outcomes) {
    ClusterState at = ClusterState.PENDING;
    for (int k = 0; k < ops.size(); k++) {
      OperationType op = ops.get(k);
      if (!op.startStates().contains(at)) {
        ClusterState before = at;
        assertThatThrownBy(() -> op.begin(before))
            .isInstanceOf(IllegalStateTransitionException.class)
            .hasMessageContaining(before.name());
        continue;
      }
      ClusterState from = at;
      at = op.begin(at);
      assertThat(at.isBusy()).isTrue();
      boolean succeeds = k >= outcomes.size() || outcomes.get(k);
      at = at.moveTo(succeeds ? op.successState(from) : op.failureState());
      assertThat(at.isBusy()).as("after %s from %s", op, from).isFalse();
      assertThat(at.isFailed()).isEqualTo(!succeeds);
    }
  }

  // ---- nodes, roles, operations

  @Test
  void nodeState_tableAndRefusals() {
    assertThat(NodeState.DONE.targets()).isEmpty();
    assertThat(NodeState.PENDING.canMoveTo(NodeState.DEPLOYING)).isTrue();
    assertThat(NodeState.DELETING.moveTo(NodeState.DONE)).isEqualTo(NodeState.DONE);
    // a refused destroy guard leaves the node as it was
    assertThat(NodeState.DELETING.canMoveTo(NodeState.RUNNING)).isTrue();
    assertThat(NodeState.PENDING.canMoveTo(NodeState.RUNNING)).isFalse();
    assertThatThrownBy(() -> NodeState.DONE.moveTo(NodeState.RUNNING))
        .isInstanceOf(IllegalStateTransitionException.class)
        .hasMessage("NodeState cannot move from DONE to RUNNING");
    for (NodeState s : NodeState.values()) {
      assertThat(s.canMoveTo(s)).as("%s -> itself", s).isFalse();
      if (s != NodeState.DONE) {
        assertThat(s.canMoveTo(NodeState.DELETING) || s == NodeState.DELETING)
            .as("%s can be deleted", s)
            .isTrue();
      }
      if (s != NodeState.DELETING) {
        assertThat(s.canMoveTo(NodeState.DONE)).as("%s -> DONE skips DELETING", s).isFalse();
      }
    }
    assertThat(Arrays.stream(NodeState.values()).filter(s -> s.canMoveTo(NodeState.FAILED)))
        .containsExactlyInAnyOrder(
            NodeState.PENDING,
            NodeState.DEPLOYING,
            NodeState.RUNNING,
            NodeState.STOPPED,
            NodeState.DELETING,
            NodeState.HOLD,
            NodeState.SUSPENDED,
            NodeState.POWEROFF,
            NodeState.UNDEPLOYED);
  }

  @Test
  void everyNodeActionLeavesItsNodesInAStateTheTableAllowsFromEachStateItAppliesTo() {
    for (NodeAction a : NodeAction.values()) {
      assertThat(NodeAction.parse(a.label())).isEqualTo(a);
      for (NodeState from : a.appliesTo()) {
        a.leaves()
            .filter(to -> to != from)
            .ifPresent(
                to -> assertThat(from.canMoveTo(to)).as("%s: %s -> %s", a, from, to).isTrue());
      }
    }
    assertThat(NodeAction.parse("Poweroff-Hard")).isEqualTo(NodeAction.POWEROFF_HARD);
  }

  @Test
  void roleStates_areTheClusterStatesByName() {
    for (ClusterState c : ClusterState.values()) {
      assertThat(RoleState.of(c).name()).isEqualTo(c.name());
    }
    assertThat(RoleState.values()).hasSameSizeAs(ClusterState.values());
  }

  @Test
  void operationState_finalStatesAndResume() {
    assertThat(Arrays.stream(OperationState.values()).filter(OperationState::isFinal))
        .containsExactly(OperationState.SUCCEEDED);
    assertThat(OperationState.FAILED.isFinal()).isFalse();
    // resumed by recover, or given up by skip-failed
    assertThat(OperationState.FAILED.targets())
        .containsExactlyInAnyOrder(OperationState.RUNNING, OperationState.CANCELLED);
    assertThat(OperationState.CANCELLED.targets()).containsExactly(OperationState.RUNNING);
    assertThat(OperationState.PENDING.canMoveTo(OperationState.CANCELLED)).isTrue();
    assertThat(OperationState.PENDING.canMoveTo(OperationState.SUCCEEDED)).isFalse();
    assertThatThrownBy(() -> OperationState.SUCCEEDED.moveTo(OperationState.RUNNING))
        .isInstanceOf(IllegalStateTransitionException.class)
        .hasMessage("OperationState cannot move from SUCCEEDED to RUNNING");
    assertThatThrownBy(() -> OperationState.CANCELLED.moveTo(OperationState.FAILED))
        .isInstanceOf(IllegalStateTransitionException.class);
  }

  @Property(tries = 200)
  void nodeAndOperationWalks_onlyFollowTheirTables(
      @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 1_000) Integer> choices) {
    NodeState node = NodeState.PENDING;
    OperationState operation = OperationState.PENDING;
    for (int choice : choices) {
      node =
          tryMove(
              node,
              NodeState.values()[choice % NodeState.values().length],
              NodeState::canMoveTo,
              NodeState::moveTo,
              NodeState::targets);
      operation =
          tryMove(
              operation,
              OperationState.values()[choice % OperationState.values().length],
              OperationState::canMoveTo,
              OperationState::moveTo,
              OperationState::targets);
    }
  }

  /** Moves when the table allows it; otherwise checks the refusal and stays put. */
  private static <S extends Enum<S>> S tryMove(
      S at,
      S wanted,
      BiPredicate<S, S> canMoveTo,
      BinaryOperator<S> moveTo,
      Function<S, Set<S>> targets) {
    if (canMoveTo.test(at, wanted)) {
      assertThat(targets.apply(at)).contains(wanted);
      S next = moveTo.apply(at, wanted);
      assertThat(next).isEqualTo(wanted);
      return next;
    }
    assertThat(targets.apply(at)).doesNotContain(wanted);
    IllegalStateTransitionException e =
        catchThrowableOfType(IllegalStateTransitionException.class, () -> moveTo.apply(at, wanted));
    assertThat(e).as("%s -> %s must be refused", at, wanted).isNotNull();
    assertThat(e.from()).isEqualTo(at);
    assertThat(e.to()).isEqualTo(wanted);
    assertThat(e)
        .hasMessage(
            at.getDeclaringClass().getSimpleName() + " cannot move from " + at + " to " + wanted);
    return at;
  }
}
