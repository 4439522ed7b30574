package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifecycle events}: an operation started in the background by one process is followed live
 * by another, stage by stage, and the log reads back the same from any later process.
 */
class EventsCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SLOW =
      """
      name: slow
      version: "1"
      roles:
        - role: db
          count: 2
          services:
            init: {cmd: "sleep 1"}
            start: {cmd: "sleep 1"}
      """;

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run cli(String... args) throws IOException, InterruptedException {
    List<String> cmd = CliJar.command(dir.resolve("home"), List.of());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void eventsFollow_showsTheStagesOfAnotherProcesssOperation_live() throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SLOW);
    assertThat(cli("create", spec.toString(), "--name", "first").code()).isZero();
    long before = lastSeq(cli("--json", "events").out());

    List<String> cmd = CliJar.command(dir.resolve("home"), List.of());
    cmd.addAll(List.of("--json", "events", "--follow", "--after", Long.toString(before)));
    Process follower =
        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<JsonNode> seen = new CopyOnWriteArrayList<>();
    List<Long> seenAtMillis = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(follower.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  seen.add(JSON.readTree(line));
                  seenAtMillis.add(System.currentTimeMillis());
                }
              } catch (IOException e) {
                // the follower was stopped
              }
            });
    reader.start();
    try {
      Run started = cli("create", spec.toString(), "--name", "bg", "--async");
      assertThat(started.code()).as(started.err()).isZero();
      String op = started.out().strip();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> seen.stream().anyMatch(e -> is(e, "STAGE_FINISHED", op)));
      long firstStageSeenAt = seenAtMillis.get(indexOf(seen, "STAGE_FINISHED", op));
      Run waited = cli("wait", op);
      assertThat(waited.code()).as(waited.err()).isZero();
      long endedAt = System.currentTimeMillis();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> seen.stream().anyMatch(e -> is(e, "OPERATION_SUCCEEDED", op)));
      assertThat(firstStageSeenAt)
          .as("the first stage was shown while the operation still ran")
          .isLessThan(endedAt);
      assertThat(seen.get(0).get("event").asText()).isEqualTo("OPERATION_STARTED");
      assertThat(seen)
          .extracting(e -> e.get("seq").asLong())
          .isSorted()
          .doesNotHaveDuplicates()
          .allMatch(n -> n > before);
      assertThat(seen).extracting(e -> e.get("operation").asText()).containsOnly(op);
      assertThat(seen.stream().filter(e -> is(e, "STAGE_STARTED", op)).count())
          .isGreaterThanOrEqualTo(3);

      Run again = cli("--json", "events", "--operation", op);
      List<JsonNode> read = lines(again.out());
      await().until(() -> seen.size() >= read.size());
      assertThat(read).isEqualTo(seen.subList(0, read.size()));
      Run text = cli("events", "--cluster", "bg", "--after", Long.toString(before));
      assertThat(text.code()).isZero();
      assertThat(text.out()).contains("OPERATION_SUCCEEDED", "op=" + op, "stage=");
    } finally {
      follower.destroy();
      assertThat(follower.waitFor(30, TimeUnit.SECONDS))
          .as("the follower stops on SIGTERM")
          .isTrue();
      reader.join(10_000);
    }
  }

  @Test
  void aFollowerStartedBeforeTheHomeExists_waitsForIt_andShowsItsFirstOperation() throws Exception {
    Path spec = dir.resolve("slow.yaml");
    Files.writeString(spec, SLOW);
    List<String> cmd = CliJar.command(dir.resolve("home"), List.of());
    cmd.addAll(List.of("--json", "events", "--follow"));
    Process follower =
        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<JsonNode> seen = new CopyOnWriteArrayList<>();
    Thread reader = reader(follower, seen);
    try {
      Thread.sleep(1_000);
      assertThat(dir.resolve("home")).as("a follower creates nothing").doesNotExist();
      Run created = cli("create", spec.toString(), "--name", "late");
      assertThat(created.code()).as(created.err()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  seen.stream()
                      .anyMatch(e -> e.get("event").asText().equals("OPERATION_SUCCEEDED")));
      assertThat(seen.get(0).get("event").asText()).isEqualTo("OPERATION_STARTED");
      assertThat(seen.get(0).get("seq").asLong()).isEqualTo(1);
    } finally {
      follower.destroy();
      assertThat(follower.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
    }
  }

  private static Thread reader(Process follower, List<JsonNode> seen) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(follower.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  seen.add(JSON.readTree(line));
                }
              } catch (IOException e) {
                // the follower was stopped
              }
            });
    reader.start();
    return reader;
  }

  @Test
  void eventsOfAMissingHome_isEmpty_andCreatesNothing() throws Exception {
    Run r = cli("events");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(dir.resolve("home")).doesNotExist();
    Run bad = cli("events", "--after", "-1");
    assertThat(bad.code()).isEqualTo(ExitCodes.BAD_INPUT);
  }

  private static boolean is(JsonNode e, String type, String op) {
    return e.get("event").asText().equals(type) && op.equals(e.path("operation").asText());
  }

  private static int indexOf(List<JsonNode> events, String type, String op) {
    for (int i = 0; i < events.size(); i++) {
      if (is(events.get(i), type, op)) {
        return i;
      }
    }
    return -1;
  }

  private static List<JsonNode> lines(String out) throws IOException {
    List<JsonNode> all = new java.util.ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        all.add(JSON.readTree(line));
      }
    }
    return all;
  }

  private static long lastSeq(String out) throws IOException {
    List<JsonNode> all = lines(out);
    return all.isEmpty() ? 0 : all.get(all.size() - 1).get("seq").asLong();
  }
}
