package io.clusterlifecycle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code --async} (docs/design.md §10.3): the command runs in a detached copy of this process, in a
 * session of its own, with no terminal and its output in a log file; this process prints the
 * operation's id as soon as the copy has recorded the operation, and exits. A command the copy
 * refuses (bad input, an unknown cluster) fails here with the copy's messages and exit code.
 */
final class AsyncLaunch {
  static final String FLAG = "--async";

  /** The hidden option through which the copy hands over the id of the operation it started. */
  static final String ID_FILE = "--operation-id-file";

  /** The commands that run an operation, which alone take {@code --async}. */
  static final Set<String> COMMANDS =
      Set.of(
          "create",
          "add-nodes",
          "delete-nodes",
          "scale-vertical",
          "upgrade",
          "rollback",
          "stop",
          "start",
          "restart",
          "run",
          "action",
          "scale",
          "backup",
          "restore",
          "promote",
          "add-role",
          "remove-role",
          "delete",
          "reconcile");

  private static final long POLL_MILLIS = 20;

  private AsyncLaunch() {}

  /** Whether the command line asks for {@code --async} before any {@code --}. */
  static boolean asked(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals(FLAG)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs the command line in a detached copy and reports the operation it started.
   *
   * @param command the command the line names, or null
   * @return the exit code
   */
  static int run(String command, String[] args, boolean json, PrintWriter out, PrintWriter err) {
    if ("reconcile".equals(command) && !List.of(args).contains("--fix")) {
      throw new ValidationException(
          "command line",
          List.of(
              ValidationProblem.of(
                  FLAG, "applies to reconcile with --fix only: without it, reconcile only reads")));
    }
    if (command == null || !COMMANDS.contains(command)) {
      throw new ValidationException(
          "command line",
          List.of(
              ValidationProblem.of(
                  FLAG,
                  "applies to the commands that run an operation ("
                      + String.join(", ", new java.util.TreeSet<>(COMMANDS))
                      + "), not to "
                      + (command == null ? "no command" : command))));
    }
    try {
      Path dir = Files.createTempDirectory("lifecycle-async-");
      Path idFile = dir.resolve("operation-id");
      Path log = dir.resolve("output.log");
      Process copy = start(args, idFile, log);
      while (!Files.exists(idFile)) {
        if (copy.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          if (Files.exists(idFile)) {
            break;
          }
          // refused or failed before it started an operation: its messages are the answer
          err.print(Files.readString(log, StandardCharsets.UTF_8));
          err.flush();
          return copy.exitValue();
        }
      }
      String id = Files.readString(idFile, StandardCharsets.UTF_8).strip();
      if (json) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("operation_id", id).put("pid", copy.pid()).put("log", log.toString());
        out.println(o);
      } else {
        out.println(id);
        err.println(
            "lifecycle: "
                + id
                + " runs in the background (pid "
                + copy.pid()
                + ", output in "
                + log
                + "); follow it with: lifecycle wait "
                + id);
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the command in the background", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.FAILED;
    }
  }

  /**
   * Starts the detached copy: {@code setsid} makes it the leader of a new session, so no signal of
   * this terminal reaches it; it reads nothing and writes to {@code log} only.
   */
  private static Process start(String[] args, Path idFile, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add("setsid");
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String jvm : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (jvm.startsWith("-XX:") || jvm.startsWith("-Xm") || jvm.startsWith("-Xss")) {
        cmd.add(jvm);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(LifecycleCli.class.getName());
    cmd.add(ID_FILE);
    cmd.add(idFile.toString());
    boolean afterDashes = false;
    for (String a : args) {
      afterDashes |= a.equals("--");
      if (afterDashes || !a.equals(FLAG)) {
        cmd.add(a);
      }
    }
    return new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(log.toFile())
        .redirectErrorStream(true)
        .start();
  }

  /** Hands the id of the operation the copy started to the process that launched it, once. */
  static void handOver(Path idFile, String operationId) {
    try {
      Path tmp = idFile.resolveSibling(idFile.getFileName() + ".tmp");
      Files.writeString(tmp, operationId + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, idFile, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand over the operation id to " + idFile, e);
    }
  }
}
