package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifecycle health} on the local infrastructure (docs/design.md §3.6): a role's {@code
 * health} service runs on each node; a failing one makes the cluster WARNING in {@code health},
 * {@code show} and {@code list}, with the node's problem and its role's state, until it passes.
 */
class HealthCliTest {
  @TempDir Path home;
  @TempDir Path specDir;

  private String ok(String... args) {
    return new HomeCli(home).ok(args);
  }

  @Test
  void aFailingHealthServiceShowsWarning_untilItPassesAgain() throws IOException {
    Path spec =
        Files.writeString(
            specDir.resolve("h.yaml"),
            """
            name: h
            version: "1"
            roles:
              - role: db
                count: 2
                services:
                  start: {cmd: 'true'}
                  health: {cmd: 'if [ -e sick ]; then echo "$(cat sick)" >&2; exit 1; fi'}
              - role: web
                count: 1
                services:
                  start: {cmd: 'true'}
            """);
    ok("create", spec.toString(), "--name", "h");
    assertThat(ok("health", "h"))
        .contains("  RUNNING  ")
        .contains("roles: db RUNNING, web RUNNING");

    Files.writeString(home.resolve("nodes/h-db-2/sick"), "replication stalled\n");
    String text = ok("health", "h");
    JsonNode shown = new ObjectMapper().readTree(ok("--json", "show", "h"));

    assertThat(text)
        .contains("  WARNING  ")
        .contains("roles: db WARNING, web RUNNING")
        .contains("h-db-2  unhealthy: health exited with 1: replication stalled");
    assertThat(shown.get("state").asText()).isEqualTo("WARNING");
    assertThat(shown.get("roles").get("db").asText()).isEqualTo("WARNING");
    assertThat(shown.get("nodes").get(1).get("problem").asText())
        .isEqualTo("health exited with 1: replication stalled");
    assertThat(ok("list")).contains("WARNING");

    Files.delete(home.resolve("nodes/h-db-2/sick"));
    assertThat(ok("health", "h")).contains("  RUNNING  ").doesNotContain("unhealthy");
  }
}
