package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, finding 2, as the reviewer ran it: {@code create} with an {@code init} that takes 15 s,
 * the CLI killed with SIGKILL while both nodes' {@code init} run, then {@code recover} at once. The
 * first run's {@code init} shells, orphaned by the kill, must be killed by recover's fence before
 * recover runs {@code init} again: a trail file that every run appends to never shows two runs of
 * one node's {@code init} at the same time, and no orphan survives (docs/design.md §5.8, §9.3).
 */
class CrashedRunFencingIT {

  /**
   * Each run appends {@code init-begin NODE PID}, then {@code init-end NODE PID} after 15 s, or
   * {@code init-killed NODE PID} when it gets SIGTERM; the trail is {@code HOME/trail.log} (the
   * command runs in {@code HOME/nodes/<node-id>}).
   */
  private static final String SPEC =
      """
      name: slowinit
      version: "1"
      roles:
        - role: w
          count: 2
          min_nodes: 1
          max_nodes: 2
          services:
            init:
              cmd: >-
                trap 'echo "init-killed $LC_NODE_ID $$" >> ../../trail.log; exit 143' TERM;
                echo "init-begin $LC_NODE_ID $$" >> ../../trail.log;
                sleep 15 & wait $!;
                echo "init-end $LC_NODE_ID $$" >> ../../trail.log
            start: {cmd: "true"}
      """;

  @TempDir Path dir;
  private final Set<Long> pids = new HashSet<>();

  @Test
  void recoverAfterKill9_fencesTheOrphanedInit_beforeRunningItAgain() throws Exception {
    Path spec = dir.resolve("slowinit.yaml");
    Files.writeString(spec, SPEC);
    Path home = dir.resolve("home");
    Path trail = home.resolve("trail.log");

    Process create = start(home, "create", "create", spec.toString(), "--name", "s1");
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> lines(trail).stream().filter(l -> l.startsWith("init-begin")).count() == 2);
    List<Long> orphans = pidsOf(lines(trail), "init-begin");
    pids.addAll(orphans);
    create.destroyForcibly(); // SIGKILL: the init shells live on, orphaned
    assertThat(create.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(orphans).allMatch(RunningProcesses::running);

    Process recover = start(home, "recover", "recover", "s1");
    assertThat(recover.waitFor(120, TimeUnit.SECONDS)).as("recover ended").isTrue();
    List<String> all = lines(trail);
    pids.addAll(pidsOf(all, "init-begin"));

    assertThat(recover.exitValue())
        .as("recover exit code; stderr: %s", Files.readString(dir.resolve("recover.err")))
        .isZero();
    assertThat(orphans)
        .as("the first run's init shells after recover")
        .noneMatch(RunningProcesses::running);
    Map<String, Set<String>> running = new LinkedHashMap<>();
    for (String line : all) {
      String[] f = line.split(" ");
      Set<String> open = running.computeIfAbsent(f[1], k -> new HashSet<>());
      if (f[0].equals("init-begin")) {
        assertThat(open)
            .as("runs of init on %s still going when %s began; trail:%n%s", f[1], f[2], all)
            .isEmpty();
        open.add(f[2]);
      } else {
        open.remove(f[2]);
      }
    }
    for (long orphan : orphans) {
      assertThat(all)
          .as("the orphaned init %d was killed, not left to finish", orphan)
          .anyMatch(l -> l.startsWith("init-killed ") && l.endsWith(" " + orphan))
          .noneMatch(l -> l.startsWith("init-end ") && l.endsWith(" " + orphan));
    }
    assertThat(all.stream().filter(l -> l.startsWith("init-end"))).hasSize(2);
  }

  @AfterEach
  void killWhatIsLeft() {
    pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
  }

  private static List<Long> pidsOf(List<String> lines, String kind) {
    return lines.stream()
        .filter(l -> l.startsWith(kind + " "))
        .map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)))
        .toList();
  }

  /** The complete lines of the trail so far. */
  private static List<String> lines(Path trail) throws IOException {
    if (!Files.exists(trail)) {
      return List.of();
    }
    String text = Files.readString(trail, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    return end < 0 ? List.of() : text.substring(0, end).lines().toList();
  }

  private Process start(Path home, String name, String... args) throws IOException {
    List<String> cmd = CliJar.command(home, List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(dir.resolve(name + ".err").toFile())
            .start();
    p.getOutputStream().close();
    pids.add(p.pid());
    return p;
  }
}
