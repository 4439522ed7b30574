package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifecycle reconcile} on the embedded default: a node directory removed by hand. */
class ReconcileCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC =
      """
      name: tiny
      version: "1"
      roles:
        - role: db
          count: 2
          services:
            start: {cmd: "true"}
      """;

  @TempDir Path dir;

  private LifecycleCliTest.Result run(String... args) {
    return LifecycleCliTest.runAt(dir.resolve("home"), args);
  }

  @Test
  void aNodeDirectoryRemovedByHand_isReportedMissing() throws IOException {
    Path spec = dir.resolve("tiny.yaml");
    Files.writeString(spec, SPEC);
    assertThat(run("create", spec.toString(), "--name", "r").code()).isZero();

    LifecycleCliTest.Result agree = run("reconcile", "r");
    assertThat(agree.code()).as(agree.err()).isZero();
    assertThat(agree.out()).contains("cluster r: the record and the infrastructure agree");

    Path node = dir.resolve("home/nodes/r-db-2");
    assertThat(node).isDirectory();
    try (Stream<Path> files = Files.walk(node)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }

    LifecycleCliTest.Result drift = run("reconcile", "r");
    assertThat(drift.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(drift.out())
        .startsWith("MISSING r-db-2: recorded RUNNING at ")
        .contains("the infrastructure has no resource for it");

    JsonNode json = JSON.readTree(run("--json", "reconcile", "r").out());
    assertThat(json.get("in_sync").asBoolean()).isFalse();
    assertThat(json.get("findings")).hasSize(1);
    assertThat(json.get("findings").get(0).get("kind").asText()).isEqualTo("MISSING");
    assertThat(json.get("findings").get(0).get("node").asText()).isEqualTo("r-db-2");

    LifecycleCliTest.Result fixed = run("reconcile", "r", "--fix");
    assertThat(fixed.code()).as(fixed.err()).isZero();
    assertThat(fixed.out()).startsWith("MISSING r-db-2: recorded RUNNING at ");
    assertThat(fixed.err()).contains("create resources ... ", "start (order 0) ... ");
    assertThat(node).isDirectory();
    LifecycleCliTest.Result after = run("reconcile", "r");
    assertThat(after.code()).as(after.out()).isZero();
    assertThat(after.out()).contains("the record and the infrastructure agree");
    assertThat(run("show", "r").out()).contains("reconcile");
  }

  @Test
  void adoptWithoutFix_isBadInput_andFixOfAnUnknownCluster_createsNoHome() {
    LifecycleCliTest.Result adopt = run("reconcile", "r", "--adopt");
    assertThat(adopt.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(adopt.err()).contains("--adopt", "applies with --fix only");

    LifecycleCliTest.Result fix = run("reconcile", "nope", "--fix");
    assertThat(fix.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(dir.resolve("home")).doesNotExist();
  }

  @Test
  void anUnknownCluster_isNotFound_andTheHomeIsNotCreated() {
    LifecycleCliTest.Result r = run("reconcile", "nope");
    assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(dir.resolve("home")).doesNotExist();
  }
}
