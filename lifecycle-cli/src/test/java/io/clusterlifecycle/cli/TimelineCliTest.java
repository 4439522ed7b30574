package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifecycle timeline}: an operation of the embedded default drawn as a Gantt chart. */
class TimelineCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC =
      """
      name: tiny
      version: "1"
      roles:
        - role: db
          count: 2
          services:
            init: {cmd: "true"}
            start: {cmd: "sleep 0.2"}
      """;

  @TempDir Path dir;

  private LifecycleCliTest.Result run(String... args) {
    return LifecycleCliTest.runAt(dir.resolve("home"), args);
  }

  private String createdOperation() throws IOException {
    Path spec = dir.resolve("tiny.yaml");
    Files.writeString(spec, SPEC);
    Path trace = dir.resolve("trace.jsonl");
    LifecycleCliTest.Result created =
        run("--trace", trace.toString(), "create", spec.toString(), "--name", "t");
    assertThat(created.code()).as(created.err()).isZero();
    JsonNode first = JSON.readTree(Files.readAllLines(trace).get(0));
    return first.get("operation").asText();
  }

  @Test
  void mermaid_drawsEachStageAsASection_andEachCommandAsABar() throws IOException {
    String op = createdOperation();

    LifecycleCliTest.Result r = run("timeline", op);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("gantt\n")
        .contains("    title create " + op + " on t  SUCCEEDED in ")
        .contains("    dateFormat x\n")
        .contains("    section start (order 0)\n")
        .contains("    start on t-db-1 :done, ")
        .contains("    start on t-db-2 :done, ");
  }

  @Test
  void html_isWrittenToAFile() throws IOException {
    String op = createdOperation();
    Path page = dir.resolve("out/timeline.html");

    LifecycleCliTest.Result r =
        run("timeline", op, "--format", "html", "--output", page.toString());

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("written to " + page);
    assertThat(Files.readString(page))
        .startsWith("<!DOCTYPE html>")
        .contains("<svg", "start on t-db-1", "SUCCEEDED");
  }

  @Test
  void anUnknownFormat_isBadInput_andAnUnknownOperation_isNotFound() throws IOException {
    String op = createdOperation();

    LifecycleCliTest.Result badFormat = run("timeline", op, "--format", "png");
    assertThat(badFormat.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(badFormat.err()).contains("--format", "mermaid or html");

    LifecycleCliTest.Result unknown = run("timeline", "op-0000000000");
    assertThat(unknown.code()).as(unknown.err()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(unknown.err()).contains("no operation op-0000000000");
  }
}
