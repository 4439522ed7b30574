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
 * {@code lifecycle scale} and policies in spec files on the local infrastructure (design §6.14):
 * elastic-scale goes through COOLDOWN, recover ends it, and bad policies and counts are refused
 * before anything changes.
 */
class ScaleCliTest {
  @TempDir Path home;
  @TempDir Path specDir;

  private String ok(String... args) {
    return new HomeCli(home).ok(args);
  }

  private String exits(int code, String... args) {
    return new HomeCli(home).exits(code, args);
  }

  private JsonNode show() throws IOException {
    return new ObjectMapper().readTree(ok("--json", "show", "a"));
  }

  private Path spec(String policies) throws IOException {
    return Files.writeString(
        specDir.resolve("a.yaml"),
        """
        name: a
        version: "1"
        roles:
          - role: web
            count: 1
            max_nodes: 3
            advanced_actions: [scale_horizontal]
            services:
              start: {cmd: 'true'}
              metrics: {cmd: 'echo LOAD=42'}
        """
            + policies.indent(4));
  }

  @Test
  void scale_addsAndDeletesNodes_throughCooldown_andRecoverEndsIt() throws IOException {
    ok(
        "create",
        spec("""
                elasticity_policies:
                  - {expression: "LOAD > 80", adjust: 1, period: 60}
                scheduled_policies:
                  - {recurrence: "0 8 * * *", type: CARDINALITY, adjust: 2}
                """)
            .toString(),
        "--name",
        "a");

    ok("scale", "a", "web", "3", "--cooldown", "600");
    assertThat(show().get("state").asText()).isEqualTo("COOLDOWN");
    assertThat(show().get("nodes")).hasSize(3);
    assertThat(ok("show", "a")).contains("COOLDOWN");

    exits(ExitCodes.CONFLICT, "scale", "a", "web", "1");
    ok("recover", "a");
    assertThat(show().get("state").asText()).isEqualTo("RUNNING");
    ok("scale", "a", "web", "1", "--cooldown", "0");
    assertThat(show().get("nodes")).hasSize(1);
    assertThat(show().get("nodes").get(0).get("id").asText()).isEqualTo("a-web-1");
  }

  @Test
  void badCountsAndPolicies_areRefused_andNothingChanges() throws IOException {
    String refused =
        exits(
            ExitCodes.BAD_INPUT,
            "create",
            spec("""
                    elasticity_policies:
                      - {expression: "LOAD >> 80", adjust: 1}
                    scheduled_policies:
                      - {recurrence: "0 0 31 2 *", adjust: 1}
                    """)
                .toString(),
            "--name",
            "a");
    assertThat(refused)
        .contains("roles[0].elasticity_policies[0].expression")
        .contains("expected a metric name or a number at character 7")
        .contains("roles[0].scheduled_policies[0].recurrence")
        .contains("never fires");
    assertThat(ok("list")).doesNotContain("a ");

    ok("create", spec("").toString(), "--name", "a");
    assertThat(exits(ExitCodes.BAD_INPUT, "scale", "a", "web", "4"))
        .contains("4 is outside role web's min/max nodes [1, 3]");
    assertThat(exits(ExitCodes.BAD_INPUT, "scale", "a", "web", "1"))
        .contains("role web already has 1 nodes");
    assertThat(show().get("state").asText()).isEqualTo("RUNNING");
    assertThat(show().get("nodes")).hasSize(1);
  }
}
