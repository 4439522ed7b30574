package io.clusterlifecycle.samples.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The release manager's API end to end: HTTP in, local processes and directories out. */
class ReleaseApiTest {

  private static final String TIMEOUT_ERROR =
      "{\"errorCode\":-1,\"errMessage\":\"failed to install release: Timeout reached\"}";

  @TempDir static Path home;

  private static Platform platform;

  @BeforeAll
  static void start() {
    platform = Platform.start(home);
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void installSync_createsRunningReleaseWithItsLabelsAndNodes() {
    JsonNode release =
        platform.install(
            "sync",
            "{\"name\":\"kv-sync\",\"chartName\":\"kv\",\"chartVersion\":\"1.0\","
                + "\"repoName\":\"qa\",\"releaseLabels\":{\"team\":\"data\"},"
                + "\"configValues\":{\"cache\":{\"size\":3}}}");

    assertThat(release.get("name").asString()).isEqualTo("kv-sync");
    assertThat(release.get("namespace").asString()).isEqualTo("sync");
    assertThat(release.get("chartVersion").asString()).isEqualTo("1.0");
    assertThat(release.get("releaseLabels").get("team").asString()).isEqualTo("data");
    assertThat(release.get("configValues").get("cache").get("size").asInt()).isEqualTo(3);
    assertThat(release.get("instances")).hasSize(2);
    for (JsonNode node : release.get("instances")) {
      assertThat(node.get("state").asString()).isEqualTo("RUNNING");
      assertThat(platform.nodeDir(node.get("id").asString()).resolve("state"))
          .hasContent("started");
    }
    Platform.Response read = platform.get("/api/v1/release/sync/name/kv-sync");
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.text("id")).isEqualTo(release.get("id").asString());
  }

  @Test
  void installFromAnIndexRepository_takesItsNewestChartArchive() {
    JsonNode release =
        platform.install(
            "indexed", "{\"name\":\"kv-idx\",\"chartName\":\"kv\",\"repoName\":\"stable\"}");

    assertThat(release.get("chartVersion").asString()).isEqualTo("3.0");
    assertBadRequest(
        platform.post(
            "/api/v1/release/indexed",
            "{\"name\":\"kv-idx2\",\"chartName\":\"kv\",\"chartVersion\":\"9.9\","
                + "\"repoName\":\"stable\"}"),
        "chartVersion: no chart kv version 9.9");
  }

  @Test
  void operationOnABusyRelease_answers409() {
    Platform.Response accepted =
        platform.post(
            "/api/v1/release/busy?async=true", "{\"name\":\"slow-b\",\"chartName\":\"slow\"}");
    assertThat(accepted.status()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> platform.get("/api/v1/release/busy/name/slow-b").status() == 200);

    Platform.Response restart = platform.post("/api/v1/release/busy/name/slow-b/restart", null);

    assertThat(restart.status()).as(restart.raw()).isEqualTo(409);
    assertThat(restart.text("errMessage")).startsWith("failed to restart release: ");
    assertThat(platform.awaitEnded(accepted.text("operationId")).get("state").asString())
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void installAsync_answers202ThenThePolledOperationSucceeds() {
    Platform.Response accepted =
        platform.post(
            "/api/v1/release/async?async=true",
            "{\"name\":\"kv-async\",\"chartName\":\"kv\",\"chartVersion\":\"1.0\"}");

    assertThat(accepted.status()).as(accepted.raw()).isEqualTo(202);
    String id = accepted.text("operationId");
    assertThat(accepted.location()).contains("/api/v1/operations/" + id);
    JsonNode done = platform.awaitEnded(id);
    assertThat(done.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("libraryState").asString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("result").get("state").asString()).isEqualTo("RUNNING");
    assertThat(done.get("result").get("name").asString()).isEqualTo("kv-async");
    String libraryId = done.get("libraryOperationId").asString();
    assertThat(platform.get("/api/v1/operations/" + libraryId).text("state"))
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void list_withLabelSelector_returnsOnlyMatchingReleases() {
    platform.install(
        "labels", "{\"name\":\"kv-a\",\"chartName\":\"kv\",\"releaseLabels\":{\"tier\":\"a\"}}");
    platform.install(
        "labels", "{\"name\":\"kv-b\",\"chartName\":\"kv\",\"releaseLabels\":{\"tier\":\"b\"}}");

    assertThat(names(platform.get("/api/v1/release/labels?labelselector=tier=a")))
        .containsExactly("kv-a");
    assertThat(
            names(
                platform.get(
                    "/api/v1/release?labelselector=tier=b,app.kubernetes.io/managed-by=lifecycle")))
        .containsExactly("kv-b");
    assertThat(names(platform.get("/api/v1/release/labels"))).containsExactly("kv-a", "kv-b");
    assertThat(names(platform.get("/api/v1/release/labels?labelselector=tier=c"))).isEmpty();
  }

  @Test
  void pauseThenRecover_stopsKeepingVolumesThenStartsAgain() {
    JsonNode release = platform.install("pause", "{\"name\":\"kv-p\",\"chartName\":\"kv\"}");
    String node = release.get("instances").get(0).get("id").asString();

    Platform.Response paused = platform.post("/api/v1/release/pause/name/kv-p/pause", null);
    assertThat(paused.status()).as(paused.raw()).isEqualTo(200);
    assertThat(paused.text("state")).isEqualTo("STOPPED");
    assertThat(paused.body().get("paused").asBoolean()).isTrue();
    assertThat(platform.nodeDir(node).resolve("state")).hasContent("stopped");
    assertThat(platform.nodeDir(node).resolve("volume/id")).hasContent(node);

    Platform.Response recovered = platform.post("/api/v1/release/pause/name/kv-p/recover", null);
    assertThat(recovered.status()).as(recovered.raw()).isEqualTo(200);
    assertThat(recovered.text("state")).isEqualTo("RUNNING");
    assertThat(platform.nodeDir(node).resolve("state")).hasContent("started");
  }

  @Test
  void restart_runsTheRestartServiceOnEveryInstance() {
    JsonNode release = platform.install("restart", "{\"name\":\"kv-r\",\"chartName\":\"kv\"}");

    Platform.Response restarted = platform.post("/api/v1/release/restart/name/kv-r/restart", null);

    assertThat(restarted.status()).as(restarted.raw()).isEqualTo(200);
    assertThat(restarted.text("state")).isEqualTo("RUNNING");
    for (JsonNode node : release.get("instances")) {
      assertThat(platform.nodeDir(node.get("id").asString()).resolve("restarts"))
          .hasContent("restarted");
    }
  }

  @Test
  void upgrade_movesTheVersionAndMergesLabelsReusingTheOthers() {
    platform.install(
        "upgrade",
        "{\"name\":\"kv-u\",\"chartName\":\"kv\",\"chartVersion\":\"1.0\","
            + "\"releaseLabels\":{\"keep\":\"yes\",\"drop\":\"me\",\"tier\":\"1\"}}");

    Platform.Response upgraded =
        platform.put(
            "/api/v1/release/upgrade",
            "{\"name\":\"kv-u\",\"chartName\":\"kv\",\"chartVersion\":\"2.0\","
                + "\"releaseLabels\":{\"drop\":\"\",\"tier\":\"2\"}}");

    assertThat(upgraded.status()).as(upgraded.raw()).isEqualTo(200);
    assertThat(upgraded.text("chartVersion")).isEqualTo("2.0");
    JsonNode labels = upgraded.body().get("releaseLabels");
    assertThat(labels.get("keep").asString()).isEqualTo("yes");
    assertThat(labels.get("tier").asString()).isEqualTo("2");
    assertThat(labels.has("drop")).isFalse();
    assertThat(labels.get("app.kubernetes.io/version").asString()).isEqualTo("2.0");

    Platform.Response relabelled =
        platform.put(
            "/api/v1/release/upgrade", "{\"name\":\"kv-u\",\"releaseLabels\":{\"tier\":\"3\"}}");
    assertThat(relabelled.status()).as(relabelled.raw()).isEqualTo(200);
    assertThat(relabelled.text("chartVersion")).isEqualTo("2.0");
    assertThat(relabelled.body().get("releaseLabels").get("tier").asString()).isEqualTo("3");
    assertThat(relabelled.body().get("releaseLabels").get("keep").asString()).isEqualTo("yes");
  }

  @Test
  void delete_withoutDeletePvcs_keepsTheVolumes() throws IOException {
    JsonNode release = platform.install("del", "{\"name\":\"kv-keep\",\"chartName\":\"kv\"}");
    List<String> nodes = ids(release);

    Platform.Response deleted =
        platform.delete("/api/v1/release/del/name/kv-keep?deletePvcs=false");

    assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
    assertThat(deleted.body().get("keptVolumes")).hasSize(2);
    for (String node : nodes) {
      assertThat(platform.nodeDir(node)).doesNotExist();
      assertThat(keptVolumes(node)).hasSize(1);
      assertThat(keptVolumes(node).get(0).resolve("id")).hasContent(node);
    }
    assertThat(platform.get("/api/v1/release/del/name/kv-keep").status()).isEqualTo(404);
  }

  @Test
  void delete_withDeletePvcs_removesTheVolumes() throws IOException {
    JsonNode release = platform.install("del", "{\"name\":\"kv-drop\",\"chartName\":\"kv\"}");
    List<String> nodes = ids(release);
    for (String node : nodes) {
      assertThat(platform.nodeDir(node).resolve("volume")).isDirectory();
    }

    Platform.Response deleted = platform.delete("/api/v1/release/del/name/kv-drop?deletePvcs=true");

    assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
    assertThat(deleted.body().get("keptVolumes")).isEmpty();
    for (String node : nodes) {
      assertThat(platform.nodeDir(node)).doesNotExist();
      assertThat(keptVolumes(node)).isEmpty();
    }
  }

  @Test
  void installWithTooSmallTimeout_answersTheSeedsTimeoutErrorAndRecoverResumesIt() {
    Platform.Response timedOut =
        platform.post(
            "/api/v1/release/slow?timeoutSec=1", "{\"name\":\"slow-1\",\"chartName\":\"slow\"}");

    assertThat(timedOut.status()).isEqualTo(504);
    assertThat(timedOut.raw()).isEqualTo(TIMEOUT_ERROR);
    Platform.Response failed = platform.get("/api/v1/release/slow/name/slow-1");
    assertThat(failed.text("state")).isEqualTo("FAILED_DEPLOYING");

    Platform.Response recovered = platform.post("/api/v1/release/slow/name/slow-1/recover", null);

    assertThat(recovered.status()).as(recovered.raw()).isEqualTo(200);
    assertThat(recovered.text("state")).isEqualTo("RUNNING");
    String node = recovered.body().get("instances").get(0).get("id").asString();
    assertThat(platform.nodeDir(node).resolve("state")).hasContent("started");
  }

  @Test
  void asyncInstallWithTooSmallTimeout_failsWithTheTimeoutErrorAndResumesAsync() {
    Platform.Response accepted =
        platform.post(
            "/api/v1/release/slow?async=true&timeoutSec=1",
            "{\"name\":\"slow-2\",\"chartName\":\"slow\"}");
    assertThat(accepted.status()).isEqualTo(202);

    JsonNode failed = platform.awaitEnded(accepted.text("operationId"));

    assertThat(failed.get("state").asString()).isEqualTo("FAILED");
    assertThat(failed.get("httpStatus").asInt()).isEqualTo(504);
    assertThat(failed.get("error").toString()).isEqualTo(TIMEOUT_ERROR);
    Platform.Response resuming =
        platform.post("/api/v1/release/slow/name/slow-2/recover?async=true", null);
    assertThat(resuming.status()).as(resuming.raw()).isEqualTo(202);
    JsonNode resumed = platform.awaitEnded(resuming.text("operationId"));
    assertThat(resumed.get("state").asString()).isEqualTo("SUCCEEDED");
    assertThat(resumed.get("result").get("state").asString()).isEqualTo("RUNNING");
  }

  @Test
  void negativeTimeout_answersTheTimeoutErrorWithoutCreatingAnything() {
    Platform.Response r =
        platform.post(
            "/api/v1/release/neg?timeoutSec=-5", "{\"name\":\"kv-neg\",\"chartName\":\"kv\"}");

    assertThat(r.status()).isEqualTo(504);
    assertThat(r.raw()).isEqualTo(TIMEOUT_ERROR);
    assertThat(platform.get("/api/v1/release/neg/name/kv-neg").status()).isEqualTo(404);
  }

  @Test
  void invalidInput_answers400WithTheSeedsErrorAndCreatesNothing() {
    assertBadRequest(platform.post("/api/v1/release/bad", "{\"chartName\":\"kv\"}"), "name");
    assertBadRequest(
        platform.post("/api/v1/release/bad", "{\"name\":\"x1\",\"chartName\":\"nosuch\"}"),
        "no chart nosuch");
    assertBadRequest(
        platform.post(
            "/api/v1/release/bad",
            "{\"name\":\"x2\",\"chartName\":\"kv\",\"repoName\":\"elsewhere\"}"),
        "no repository 'elsewhere'");
    assertBadRequest(
        platform.post(
            "/api/v1/release/bad",
            "{\"name\":\"x3\",\"chartName\":\"../../etc/passwd\",\"chartVersion\":\"1.0\"}"),
        "chartName");
    assertBadRequest(
        platform.post(
            "/api/v1/release/bad?async=true",
            "{\"name\":\"x4\",\"chartName\":\"kv\",\"plugins\":[{\"name\":\"no-such-plugin\"}]}"),
        "no-such-plugin");
    assertBadRequest(
        platform.post(
            "/api/v1/release/bad",
            "{\"name\":\"x5\",\"chartName\":\"kv\",\"releaseLabels\":{\"a\":null}}"),
        "releaseLabels[a] must not be null");
    assertBadRequest(
        platform.post(
            "/api/v1/release/bad",
            "{\"name\":\"x6\",\"chartImage\":\"registry/qa/kv:1.0\",\"chartName\":\"kv\"}"),
        "chartImage is not supported");
    assertBadRequest(platform.post("/api/v1/release/bad", "{\"name\":"), "");
    assertBadRequest(platform.post("/api/v1/release/bad?async=maybe", "{}"), "");
    assertBadRequest(platform.get("/api/v1/release?labelselector=novalue"), "novalue");

    assertThat(names(platform.get("/api/v1/release/bad"))).isEmpty();
  }

  @Test
  void unknownRelease_answers404() {
    Platform.Response read = platform.get("/api/v1/release/none/name/ghost");
    assertThat(read.status()).isEqualTo(404);
    assertThat(read.body().get("errorCode").asInt()).isEqualTo(-1);
    assertThat(read.text("errMessage")).contains("none/ghost");
    assertThat(platform.post("/api/v1/release/none/name/ghost/pause", null).status())
        .isEqualTo(404);
    assertThat(platform.delete("/api/v1/release/none/name/ghost").status()).isEqualTo(404);
    assertThat(platform.put("/api/v1/release/none", "{\"name\":\"ghost\"}").status())
        .isEqualTo(404);
    assertThat(platform.get("/api/v1/operations/op-unknown").status()).isEqualTo(404);
  }

  @Test
  void installingANameTwice_answers409() {
    platform.install("twice", "{\"name\":\"kv-t\",\"chartName\":\"kv\"}");

    Platform.Response again =
        platform.post("/api/v1/release/twice", "{\"name\":\"kv-t\",\"chartName\":\"kv\"}");

    assertThat(again.status()).as(again.raw()).isEqualTo(409);
    assertThat(again.text("errMessage")).startsWith("failed to install release: ");
  }

  private static void assertBadRequest(Platform.Response r, String mentions) {
    assertThat(r.status()).as(r.raw()).isEqualTo(400);
    assertThat(r.body().get("errorCode").asInt()).isEqualTo(-1);
    assertThat(r.text("errMessage")).contains(mentions);
  }

  private static List<String> names(Platform.Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.body().valueStream().map(n -> n.get("name").asString()).toList();
  }

  private static List<String> ids(JsonNode release) {
    return release.get("instances").valueStream().map(n -> n.get("id").asString()).toList();
  }

  private static List<Path> keptVolumes(String node) throws IOException {
    Path kept = home.resolve("kept-volumes");
    if (!Files.isDirectory(kept)) {
      return List.of();
    }
    try (Stream<Path> all = Files.list(kept)) {
      return all.filter(p -> p.getFileName().toString().startsWith(node + "-")).toList();
    }
  }
}
