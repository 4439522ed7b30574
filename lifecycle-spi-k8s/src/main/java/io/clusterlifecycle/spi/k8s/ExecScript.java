package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.CommandRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The argument vectors pod exec runs (docs/design.md §9.3). Nothing from a request is ever spliced
 * into a shell string: the script and every value travel as arguments of their own.
 *
 * <p>A command runs as {@code env -u <LC_* not given> -- K=V ... bash -c <WRAPPER> lifecycle-exec
 * <script>}. The fixed {@link #WRAPPER} writes the node's metadata (read from standard input, an
 * exact byte count, since exec cannot close standard input) to {@code $LC_METADATA}, starts {@code
 * bash -c <script>} as a job of its own process group with its output in files (so that daemons it
 * starts do not hold the exec stream open), records the group's id in {@code
 * <run-dir>/<run-id>.pgid}, waits for it, prints one line {@code R <result> <status>} (the base64
 * of the files {@code LC_RESULT} and {@code LC_STATUS} name, docs/design.md §9.3.1) and the tails
 * of its output, and exits with its status. A second exec, {@link #kill}, signals that process
 * group: exec itself cannot send signals.
 */
final class ExecScript {
  /** The name {@code $0} of the wrapper and the kill command. */
  static final String NAME = "lifecycle-exec";

  /** Bytes of each output stream the wrapper prints at the end; more than any 4096 characters. */
  static final int TAIL_BYTES = 16384;

  static final String WRAPPER =
      String.join(
          "\n",
          "d=$LC_RUN_DIR; id=$LC_RUN_ID; n=${LC_METADATA_BYTES:-}; w=${LC_WORKDIR:-}",
          "unset LC_RUN_DIR LC_RUN_ID LC_METADATA_BYTES LC_WORKDIR",
          "mkdir -p -- \"$d\" || exit 125",
          "if [ -n \"$n\" ]; then",
          "  head -c \"$n\" > \"$d/.metadata.$id\" && mv -f -- \"$d/.metadata.$id\" \"$LC_METADATA\""
              + " || exit 125",
          "fi",
          "if [ -e \"$d/$id.cancel\" ]; then rm -f -- \"$d/$id.cancel\"; exit 124; fi",
          "if [ -n \"$w\" ]; then cd -- \"$w\" || exit 125; fi",
          // job control puts the script in a process group of its own; while it is on, bash may
          // report the job's end ("[1]+ Done") on standard error, so that goes nowhere meanwhile
          "exec 3>&2 2>/dev/null",
          "set -m",
          "LC_RESULT=$d/$id.result LC_STATUS=$d/$id.status \\",
          "  bash -c \"$1\" </dev/null >\"$d/$id.out\" 2>\"$d/$id.err\" 3>&- &",
          "pg=$!",
          "set +m",
          "echo \"$pg\" > \"$d/$id.pgid\"",
          "wait \"$pg\"; rc=$?",
          "exec 2>&3 3>&-",
          "report() { head -c 65540 -- \"$1\" 2>/dev/null | base64 | tr -d '\\n'; }",
          "printf 'R %s %s\\n' \"$(report \"$d/$id.result\")\" \"$(report \"$d/$id.status\")\"",
          "tail -c " + TAIL_BYTES + " -- \"$d/$id.out\"",
          "tail -c " + TAIL_BYTES + " -- \"$d/$id.err\" >&2",
          "rm -f -- \"$d/$id.out\" \"$d/$id.err\" \"$d/$id.pgid\" \"$d/$id.cancel\" \\",
          "  \"$d/$id.result\" \"$d/$id.status\"",
          "exit \"$rc\"");

  /**
   * The kill: marks the run cancelled (so that a wrapper that has not started its script yet does
   * not), waits up to 5 s for the process group's id, sends SIGTERM to the group, then SIGKILL
   * after the grace. Arguments: run directory, run id, grace in seconds.
   */
  static final String KILL =
      String.join(
          "\n",
          "d=$1; id=$2",
          "mkdir -p -- \"$d\" && : > \"$d/$id.cancel\"",
          "for ((i = 0; i < 50; i++)); do [ -s \"$d/$id.pgid\" ] && break; sleep 0.1; done",
          "pg=$(cat -- \"$d/$id.pgid\" 2>/dev/null) || exit 0",
          "[ -n \"$pg\" ] || exit 0",
          "kill -TERM -- \"-$pg\" 2>/dev/null || exit 0",
          "sleep \"$3\"",
          "kill -KILL -- \"-$pg\" 2>/dev/null",
          "exit 0");

  /**
   * The fence (docs/design.md §5.8): reads the process groups of every run whose id starts with the
   * run key's prefix, sends them SIGTERM, SIGKILL to those still alive after the grace, and exits 0
   * once none of their processes is alive (an exited process nobody reaped yet counts as gone), or
   * 1 when one still is 20 s after SIGKILL. Liveness comes from {@code /proc}, not from the run's
   * files, which its wrapper removes as soon as the script's shell ended. Arguments: run directory,
   * key prefix, grace in seconds.
   */
  static final String FENCE =
      String.join(
          "\n",
          "d=$1; k=$2; g=$3",
          "pgs=$(for f in \"$d/$k\"-*.pgid; do [ -s \"$f\" ] && cat -- \"$f\" 2>/dev/null; done)",
          "[ -n \"$pgs\" ] || exit 0",
          "alive() {",
          "  for s in /proc/[0-9]*/stat; do",
          "    { read -r line < \"$s\"; } 2>/dev/null || continue",
          "    set -- ${line##*\") \"}",
          "    [ \"$1\" = Z ] && continue",
          "    for pg in $pgs; do [ \"$3\" = \"$pg\" ] && return 0; done",
          "  done",
          "  return 1",
          "}",
          "for pg in $pgs; do kill -TERM -- \"-$pg\" 2>/dev/null; done",
          "for ((i = 0; i < g * 10; i++)); do alive || exit 0; sleep 0.1; done",
          "for pg in $pgs; do kill -KILL -- \"-$pg\" 2>/dev/null; done",
          "for ((i = 0; i < 200; i++)); do alive || exit 0; sleep 0.1; done",
          "exit 1");

  /** The {@code LC_*} variables a command never inherits from the container. */
  static final List<String> LC_VARIABLES =
      List.of(
          CommandRequest.LC_CLUSTER_ID,
          CommandRequest.LC_CLUSTER_NAME,
          CommandRequest.LC_ROLE,
          CommandRequest.LC_NODE_ID,
          CommandRequest.LC_NODE_IP,
          CommandRequest.LC_SERVICE,
          CommandRequest.LC_OPERATION_ID,
          CommandRequest.LC_METADATA,
          CommandRequest.LC_BACKUP_ID,
          CommandRequest.LC_BACKUP_ARTIFACT,
          CommandRequest.LC_BACKUP_DIR,
          CommandRequest.LC_APP_VERSION,
          CommandRequest.LC_NODE_CPU,
          CommandRequest.LC_NODE_MEMORY,
          CommandRequest.LC_NODE_VOLUME_SIZE,
          CommandRequest.LC_RESULT,
          CommandRequest.LC_STATUS);

  private ExecScript() {}

  /**
   * The argument vector of one command.
   *
   * @param script the service's command, as the spec wrote it
   * @param environment the request's variables plus the executor's ({@code LC_RUN_DIR}, ...)
   */
  static List<String> command(String script, Map<String, String> environment) {
    List<String> argv = new ArrayList<>();
    argv.add("env");
    for (String lc : LC_VARIABLES) {
      if (!environment.containsKey(lc)) {
        argv.add("-u");
        argv.add(lc);
      }
    }
    argv.add("--");
    environment.forEach(
        (k, v) -> {
          if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                "environment variable name " + k + " cannot be passed");
          }
          argv.add(k + "=" + v);
        });
    argv.add("bash");
    argv.add("-c");
    argv.add(WRAPPER);
    argv.add(NAME);
    argv.add(script);
    return argv;
  }

  /**
   * A run's id: for a run with a run key, the key's prefix ({@link #keyPrefix}) and a random part,
   * so that a fence finds the runs of a key, also those another executor instance started.
   */
  static String runId(String runKey) {
    String random = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    return runKey.isEmpty() ? "r-" + random : keyPrefix(runKey) + "-" + random;
  }

  /** The part of a run id that stands for its run key: {@code k} and a hash of the key. */
  static String keyPrefix(String runKey) {
    return "k" + Names.hash(runKey).substring(0, 24);
  }

  /** The argument vector that fences a run key. */
  static List<String> fence(String runDirectory, String runKey, Duration grace) {
    long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
    return List.of(
        "bash", "-c", FENCE, NAME, runDirectory, keyPrefix(runKey), Long.toString(seconds));
  }

  /** The argument vector that kills a run's process group. */
  static List<String> kill(String runDirectory, String runId, Duration grace) {
    long seconds = Math.max(0, (grace.toMillis() + 999) / 1000);
    return List.of("bash", "-c", KILL, NAME, runDirectory, runId, Long.toString(seconds));
  }
}
