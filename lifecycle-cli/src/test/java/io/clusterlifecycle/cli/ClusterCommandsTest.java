package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster commands in-process on a temporary home: results, JSON and exit codes. */
class ClusterCommandsTest {
  private static final String HADOOP =
      Path.of("../samples/specs/hadoop.yaml").toAbsolutePath().toString();

  @TempDir Path home;

  LifecycleCliTest.Result run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--home";
    all[1] = home.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return LifecycleCliTest.run(all);
  }

  JsonNode json(String text) throws IOException {
    return new ObjectMapper().readTree(text);
  }

  @Test
  void badStoreOptions_areBadInput_beforeTheHomeIsTouched() {
    Path fresh = home.resolve("fresh");
    String[][] cases = {
      {"--store", "etcd://no-port", "list"},
      {"--store", "etcd://h:99999", "list"},
      {"--metadata", "jdbc:sqlite:x.db", "list"},
      {"--lease", "0", "list"},
      {"serve", "--every", "0"}
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 2];
      args[0] = "--home";
      args[1] = fresh.toString();
      System.arraycopy(c, 0, args, 2, c.length);
      LifecycleCliTest.Result r = LifecycleCliTest.run(args);
      assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).as(String.join(" ", c)).containsAnyOf("HOST:PORT", "etcd://", "positive");
      assertThat(fresh).as("nothing created for " + String.join(" ", c)).doesNotExist();
    }
  }

  @Test
  void createShowAddDeleteNodesDelete_onOneHome() throws IOException {
    LifecycleCliTest.Result created =
        run(
            "--json",
            "create",
            HADOOP,
            "--name",
            "demo",
            "--label",
            "team=data",
            "--count",
            "worker=2");
    assertThat(created.code()).as(created.err()).isZero();
    JsonNode c = json(created.out());
    assertThat(c.get("state").asText()).isEqualTo("RUNNING");
    assertThat(c.get("labels").get("team").asText()).isEqualTo("data");
    assertThat(c.get("nodes")).hasSize(4);

    JsonNode shown = json(run("--json", "show", "demo").out());
    assertThat(shown.get("id").asText()).isEqualTo(c.get("id").asText());
    JsonNode worker = shown.get("nodes").get(1);
    assertThat(worker.get("id").asText()).isEqualTo("demo-worker-1");
    assertThat(worker.get("role").asText()).isEqualTo("worker");
    assertThat(worker.get("state").asText()).isEqualTo("RUNNING");
    assertThat(worker.get("ip").asText()).startsWith("127.0.");
    assertThat(worker.get("cpu").asInt()).isEqualTo(4);
    assertThat(worker.get("memory").asInt()).isEqualTo(8192);
    assertThat(worker.get("volume_size").asInt()).isEqualTo(100);
    assertThat(shown.get("version").asText()).isEqualTo("3.3.6");
    assertThat(Files.isDirectory(home.resolve("nodes/demo-worker-2"))).isTrue();

    assertThat(run("add-nodes", "demo", "--role", "worker", "--count", "2").code()).isZero();
    assertThat(run("delete-nodes", "demo", "demo-worker-1", "demo-worker-4").code()).isZero();
    JsonNode after = json(run("--json", "show", "demo").out());
    assertThat(after.get("nodes").findValuesAsText("id"))
        .containsExactly("demo-master-1", "demo-worker-2", "demo-worker-3", "demo-client-1");
    assertThat(Files.exists(home.resolve("nodes/demo-worker-1"))).isFalse();

    JsonNode list = json(run("--json", "list", "--selector", "team=data").out());
    assertThat(list).hasSize(1);
    assertThat(list.get(0).has("nodes")).isFalse();
    assertThat(json(run("--json", "list", "--selector", "team=web").out())).isEmpty();

    assertThat(run("delete", "demo").code()).isZero();
    assertThat(json(run("--json", "show", "demo").out()).get("state").asText()).isEqualTo("DONE");
    assertThat(json(run("--json", "list", "--state", "DONE").out())).hasSize(1);
    try (Stream<Path> nodes = Files.list(home.resolve("nodes"))) {
      assertThat(nodes).isEmpty();
    }
  }

  @Test
  void exitCodes_followTheSpec() {
    assertThat(run("create", HADOOP, "--name", "demo").code()).isZero();
    assertThat(run("show", "ghost").code()).isEqualTo(ExitCodes.NOT_FOUND);
    // a role the spec does not have is bad input, not a missing thing (design.md §10.3)
    assertThat(run("add-nodes", "demo", "--role", "ghost", "--count", "1").code())
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("delete-nodes", "demo", "demo-worker-9").code()).isEqualTo(ExitCodes.NOT_FOUND);
    LifecycleCliTest.Result over = run("add-nodes", "demo", "--role", "worker", "--count", "30");
    assertThat(over.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(over.err()).contains("over its max_nodes of 20");
    assertThat(run("add-nodes", "demo", "--role", "master", "--count", "1").code())
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("add-nodes", "demo", "--role", "worker", "--count", "0").code())
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("delete-nodes", "demo", "demo-worker-1", "demo-worker-2").code())
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("create", HADOOP, "--name", "demo").code()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(run("create", HADOOP, "--name", "Bad").code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("create", HADOOP, "--name", "x", "--count", "worker=many").code())
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(run("--timeout", "0", "delete", "demo").code()).isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void busyCluster_exitsThree_afterWaitingForItsTimeout() throws IOException {
    assertThat(run("create", HADOOP, "--name", "demo").code()).isZero();
    // another lifecycle process is in the middle of an operation on the cluster
    try (var store =
        io.clusterlifecycle.spi.jdbc.JdbcClusterStore.sqlite(home.resolve(Session.STORE_FILE))) {
      var c = store.list().toCompletableFuture().join().get(0);
      c =
          store
              .put(
                  c.toBuilder()
                      .state(io.clusterlifecycle.api.state.ClusterState.SCALING)
                      .operation("op-other")
                      .lease(
                          java.util.Optional.of(
                              new io.clusterlifecycle.api.model.Lease(
                                  "engine-2",
                                  "another-host",
                                  1,
                                  java.time.Instant.now().plusSeconds(300))))
                      .build())
              .toCompletableFuture()
              .join();
      LifecycleCliTest.Result r =
          run("--timeout", "1", "add-nodes", "demo", "--role", "worker", "--count", "1");
      assertThat(r.code()).isEqualTo(ExitCodes.CONFLICT);
      assertThat(r.err()).contains("busy with operation op-other");
      // the same leftover without a live owner is an interrupted operation: recover it
      store
          .put(c.toBuilder().lease(java.util.Optional.empty()).build())
          .toCompletableFuture()
          .join();
      LifecycleCliTest.Result interrupted =
          run("add-nodes", "demo", "--role", "worker", "--count", "1");
      assertThat(interrupted.code()).isEqualTo(ExitCodes.CONFLICT);
      assertThat(interrupted.err()).contains("run recover");
    }
  }

  @Test
  void failedOperation_exitsOne_andPrintsTheStateAndReason(@TempDir Path specs) throws IOException {
    Path spec = specs.resolve("failing.yaml");
    Files.writeString(
        spec,
        """
        name: failing
        version: "1"
        roles:
          - role: db
            count: 2
            services:
              start: {cmd: "test \\"$LC_NODE_ID\\" != f-db-2"}
        """);
    LifecycleCliTest.Result r = run("create", spec.toString(), "--name", "f");
    assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(r.err()).contains("start on f-db-2 exited with 1").contains("FAILED_DEPLOYING");
    assertThat(run("delete", "f").code()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(run("delete", "f", "--force").code()).isZero();
  }

  @Test
  void recover_resumesAFailedCreate_andRecoverDeleteForcesADeletion(@TempDir Path specs)
      throws IOException {
    Path spec = specs.resolve("gated.yaml");
    Files.writeString(
        spec,
        """
        name: gated
        version: "1"
        roles:
          - role: db
            count: 2
            services:
              start: {cmd: "test -e ../../allow-start"}
              stop: {cmd: "test -e ../../allow-stop"}
        """);
    assertThat(run("create", spec.toString(), "--name", "g").code()).isEqualTo(ExitCodes.FAILED);
    assertThat(json(run("--json", "show", "g").out()).get("state").asText())
        .isEqualTo("FAILED_DEPLOYING");
    Files.createFile(home.resolve("allow-start"));
    LifecycleCliTest.Result recovered = run("recover", "g");
    assertThat(recovered.code()).as(recovered.err()).isZero();
    assertThat(recovered.err()).contains("resumed:");
    assertThat(json(run("--json", "show", "g").out()).get("state").asText()).isEqualTo("RUNNING");
    assertThat(run("recover", "g").code()).isZero();

    assertThat(run("delete", "g").code()).isEqualTo(ExitCodes.FAILED);
    assertThat(json(run("--json", "show", "g").out()).get("state").asText())
        .isEqualTo("FAILED_UNDEPLOYING");
    assertThat(run("recover", "g", "--delete").code()).isZero();
    assertThat(json(run("--json", "show", "g").out()).get("state").asText()).isEqualTo("DONE");
    assertThat(run("purge-done").out()).contains("purged 1");
    assertThat(run("show", "g").code()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void destroyGuard_refusesDelete_andForceDeletes(@TempDir Path specs) throws IOException {
    Path spec = specs.resolve("guarded.yaml");
    Files.writeString(
        spec,
        """
        name: guarded
        version: "1"
        roles:
          - role: db
            count: 2
            services:
              start: {cmd: "touch started"}
              stop: {cmd: "touch stopped"}
              destroy: {cmd: "exit 1"}
        """);
    assertThat(run("create", spec.toString(), "--name", "g").code()).isZero();
    LifecycleCliTest.Result refused = run("delete", "g");
    assertThat(refused.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err())
        .contains("was refused")
        .contains("exited with 1")
        .contains("cluster g is RUNNING");
    assertThat(home.resolve("nodes/g-db-1/stopped")).doesNotExist();
    assertThat(run("delete", "g", "--force").code()).isZero();
    assertThat(home.resolve("nodes/g-db-1")).doesNotExist();
  }

  @Test
  void plan_rendersTextJsonAndMermaid_forNewAndExistingClusters() throws IOException {
    LifecycleCliTest.Result text = run("plan", HADOOP, "--name", "demo");
    assertThat(text.code()).isZero();
    assertThat(text.out()).contains("7 stages, 15 steps").contains("start on demo-worker-3");
    assertThat(run("create", HADOOP, "--name", "demo").code()).isZero();
    LifecycleCliTest.Result json =
        run(
            "plan",
            "demo",
            "--op",
            "add-nodes",
            "--role",
            "worker",
            "--count",
            "1",
            "--format",
            "json");
    assertThat(json.code()).isZero();
    assertThat(json(json.out()).get("type").asText()).isEqualTo("ADD_NODES");
    LifecycleCliTest.Result mermaid =
        run("plan", "demo", "--op", "delete-nodes", "demo-worker-3", "--format", "mermaid");
    assertThat(mermaid.out())
        .startsWith("%% resource estimate\n")
        .contains("\nflowchart TD\n", "stop on demo-worker-3");
    assertThat(run("plan", "demo", "--op", "explode").code()).isEqualTo(ExitCodes.BAD_INPUT);
    // a dry-run changes nothing
    assertThat(json(run("--json", "show", "demo").out()).get("nodes")).hasSize(5);
  }
}
