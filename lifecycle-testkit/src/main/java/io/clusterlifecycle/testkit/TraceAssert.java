package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions over an engine's trace: the events a {@link RecordingEventListener} or a
 * JSON-lines trace recorded, in the order of their {@link LifecycleEvent#seq()}.
 *
 * <pre>{@code
 * TraceAssert.assertThat(events.events())
 *     .ranOnNodes("init", "zk-1", "zk-2", "zk-3")
 *     .ranBefore("init", "start")
 *     .ranInParallel("start")
 *     .hasStatePath("PENDING", "DEPLOYING", "RUNNING");
 * }</pre>
 *
 * <p>A command counts from its {@link EventType#COMMAND_STARTED} to its {@link
 * EventType#COMMAND_FINISHED} event (same operation, node, service and stage). Failure messages
 * show the commands or transitions the trace holds, so a failing test says what ran.
 */
public final class TraceAssert extends AbstractAssert<TraceAssert, List<LifecycleEvent>> {

  private TraceAssert(List<LifecycleEvent> events) {
    super(events, TraceAssert.class);
  }

  /**
   * Starts assertions over a trace.
   *
   * @param events the events, in any order; they are sorted by sequence number
   * @return the assertion
   */
  public static TraceAssert assertThat(List<LifecycleEvent> events) {
    Objects.requireNonNull(events, "events");
    List<LifecycleEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(LifecycleEvent::seq));
    return new TraceAssert(sorted);
  }

  /**
   * Starts assertions over everything a listener recorded.
   *
   * @param listener the listener
   * @return the assertion
   */
  public static TraceAssert assertThat(RecordingEventListener listener) {
    return assertThat(listener.events());
  }

  /** One command as the trace shows it: from its start to its end (or to the trace's end). */
  private record Run(
      String service,
      String role,
      String node,
      String stage,
      long started,
      long finished,
      Integer exitCode) {
    @Override
    public String toString() {
      return service
          + "@"
          + node
          + " ["
          + started
          + ".."
          + (finished == Long.MAX_VALUE ? "…" : finished)
          + "]"
          + (exitCode == null ? "" : " exit " + exitCode);
    }
  }

  private List<Run> runs() {
    Map<String, LifecycleEvent> open = new LinkedHashMap<>();
    List<Run> out = new ArrayList<>();
    for (LifecycleEvent e : actual) {
      String key =
          e.operation().orElse(null)
              + "|"
              + e.node().orElse(null)
              + "|"
              + e.service().orElse(null)
              + "|"
              + e.stage().orElse(null);
      if (e.event() == EventType.COMMAND_STARTED) {
        open.put(key, e);
      } else if (e.event() == EventType.COMMAND_FINISHED) {
        LifecycleEvent start = open.remove(key);
        if (start != null) {
          out.add(
              new Run(
                  e.service().orElse(null),
                  e.role().orElse(null),
                  e.node().orElse(null),
                  e.stage().orElse(null),
                  start.seq(),
                  e.seq(),
                  e.exitCode().orElse(null)));
        }
      }
    }
    open.values()
        .forEach(
            s ->
                out.add(
                    new Run(
                        s.service().orElse(null),
                        s.role().orElse(null),
                        s.node().orElse(null),
                        s.stage().orElse(null),
                        s.seq(),
                        Long.MAX_VALUE,
                        null)));
    out.sort(Comparator.comparingLong(Run::started));
    return out;
  }

  private List<Run> runs(String service) {
    return runs().stream().filter(r -> r.service().equals(service)).toList();
  }

  /**
   * Checks that a service ran on exactly these nodes (each at least once).
   *
   * @param service the service, such as {@code start} or {@code scale_out}
   * @param nodes the node ids
   * @return this assertion
   */
  public TraceAssert ranOnNodes(String service, String... nodes) {
    isNotNull();
    TreeSet<String> ran =
        runs(service).stream().map(Run::node).collect(Collectors.toCollection(TreeSet::new));
    TreeSet<String> expected = new TreeSet<>(Arrays.asList(nodes));
    if (!ran.equals(expected)) {
      failWithMessage(
          "expected %s to run on %s but it ran on %s; commands in the trace: %s",
          service, expected, ran, runs());
    }
    return this;
  }

  /**
   * Checks that every command of {@code first} had finished before any command of {@code then}
   * started, and that both ran.
   *
   * @param first the service that must come first
   * @param then the service that must come after
   * @return this assertion
   */
  public TraceAssert ranBefore(String first, String then) {
    isNotNull();
    return before(first, runs(first), then, runs(then));
  }

  /**
   * Checks that every command of service {@code first} on nodes of role {@code firstRole} had
   * finished before any command of {@code then} on nodes of {@code thenRole} started, and that both
   * ran: for example that the master's {@code start} (order 0) ended before the workers' (order 1)
   * began.
   *
   * @param first the service that must come first
   * @param firstRole the role whose nodes ran it
   * @param then the service that must come after
   * @param thenRole the role whose nodes ran that
   * @return this assertion
   */
  public TraceAssert ranBefore(String first, String firstRole, String then, String thenRole) {
    isNotNull();
    return before(
        first + " on " + firstRole,
        runs(first, firstRole),
        then + " on " + thenRole,
        runs(then, thenRole));
  }

  private TraceAssert before(String first, List<Run> a, String then, List<Run> b) {
    if (a.isEmpty() || b.isEmpty()) {
      failWithMessage(
          "expected both %s and %s to run; commands in the trace: %s", first, then, runs());
    }
    Run lastA = a.stream().max(Comparator.comparingLong(Run::finished)).orElseThrow();
    Run firstB = b.get(0);
    if (lastA.finished() > firstB.started()) {
      failWithMessage(
          "expected every %s to finish before any %s started, but %s finished after"
              + " %s started",
          first, then, lastA, firstB);
    }
    return this;
  }

  private List<Run> runs(String service, String role) {
    return runs(service).stream().filter(r -> role.equals(r.role())).toList();
  }

  /**
   * Checks that at least two commands of a service were running at the same time.
   *
   * @param service the service
   * @return this assertion
   */
  public TraceAssert ranInParallel(String service) {
    isNotNull();
    List<Run> rs = runs(service);
    for (int i = 1; i < rs.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (rs.get(j).finished() > rs.get(i).started()) {
          return this;
        }
      }
    }
    failWithMessage(
        "expected commands of %s to overlap, but they ran one after another: %s", service, rs);
    return this;
  }

  /**
   * Checks the cluster states the trace passed through, in order: the {@code from} of the first
   * {@link EventType#STATE_CHANGED} event, then the {@code to} of each.
   *
   * @param states the state names, such as {@code "PENDING", "DEPLOYING", "RUNNING"}
   * @return this assertion
   */
  public TraceAssert hasStatePath(String... states) {
    isNotNull();
    List<String> path = new ArrayList<>();
    for (LifecycleEvent e : actual) {
      if (e.event() == EventType.STATE_CHANGED) {
        if (path.isEmpty()) {
          path.add(e.from().orElse(null));
        }
        path.add(e.to().orElse(null));
      }
    }
    if (!path.equals(Arrays.asList(states))) {
      failWithMessage(
          "expected the state path %s but the trace went %s",
          String.join(" -> ", states), String.join(" -> ", path));
    }
    return this;
  }
}
