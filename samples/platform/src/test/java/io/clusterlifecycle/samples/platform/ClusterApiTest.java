package io.clusterlifecycle.samples.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The DBaaS cluster API end to end, and the OpenAPI description. */
class ClusterApiTest {

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
  void list_givesIdsOrDetailedClusters() {
    String id = install("list-1");

    Platform.Response ids = platform.get("/api/v1/clusters");
    Platform.Response detailed = platform.get("/api/v1/clusters?detailed=true");

    assertThat(ids.status()).isEqualTo(200);
    assertThat(ids.body().valueStream().map(JsonNode::asString).toList()).contains(id);
    JsonNode mine =
        detailed
            .body()
            .valueStream()
            .filter(c -> c.get("id").asString().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(mine.get("app").asString()).isEqualTo("kv");
    assertThat(mine.get("instances")).hasSize(2);
    assertThat(platform.get("/api/v1/clusters/" + id).text("state")).isEqualTo("RUNNING");
  }

  @Test
  void addThenDropInstance_growsAndShrinksTheCluster() {
    String id = install("scale-1");

    Platform.Response added =
        platform.post("/api/v1/clusters/" + id + "/instances", "{\"role\":\"db\",\"count\":1}");

    assertThat(added.status()).as(added.raw()).isEqualTo(200);
    List<String> nodes = instanceIds(added.body());
    assertThat(nodes).containsExactly("scale-1-db-1", "scale-1-db-2", "scale-1-db-3");
    assertThat(platform.nodeDir("scale-1-db-3").resolve("state")).hasContent("started");

    Platform.Response dropped =
        platform.delete("/api/v1/clusters/" + id + "/instances/scale-1-db-1");

    assertThat(dropped.status()).as(dropped.raw()).isEqualTo(200);
    assertThat(instanceIds(dropped.body())).containsExactly("scale-1-db-2", "scale-1-db-3");
    assertThat(platform.nodeDir("scale-1-db-1")).doesNotExist();
  }

  @Test
  void dropBelowTheMinimum_isRefusedAndKeepsTheInstance() {
    String id = install("min-1");
    assertThat(platform.delete("/api/v1/clusters/" + id + "/instances/min-1-db-1").status())
        .isEqualTo(200);

    Platform.Response refused = platform.delete("/api/v1/clusters/" + id + "/instances/min-1-db-2");

    assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
    assertThat(refused.text("errMessage")).startsWith("failed to drop instance: ");
    assertThat(platform.nodeDir("min-1-db-2")).isDirectory();
  }

  @Test
  void promote_switchesThePrimary() {
    String id = install("promo-1");

    Platform.Response promoted =
        platform.post(
            "/api/v1/clusters/" + id + "/promote",
            "{\"instance\":\"promo-1-db-2\",\"switchover\":true}");

    assertThat(promoted.status()).as(promoted.raw()).isEqualTo(200);
    JsonNode second = promoted.body().get("instances").get(1);
    assertThat(second.get("id").asString()).isEqualTo("promo-1-db-2");
    assertThat(second.get("primary").asBoolean()).isTrue();
    assertThat(promoted.body().get("instances").get(0).get("primary").asBoolean()).isFalse();
    assertThat(platform.nodeDir("promo-1-db-2").resolve("promoted")).hasContent("primary");
  }

  @Test
  void restart_runsRestartOnEveryInstance() {
    String id = install("rs-1");

    Platform.Response restarted = platform.post("/api/v1/clusters/" + id + "/restart", null);

    assertThat(restarted.status()).as(restarted.raw()).isEqualTo(200);
    assertThat(platform.nodeDir("rs-1-db-1").resolve("restarts")).hasContent("restarted");
    assertThat(platform.nodeDir("rs-1-db-2").resolve("restarts")).hasContent("restarted");
  }

  @Test
  void backupThenRestore_createsANewClusterFromTheArtifacts() {
    String id = install("bk-1");

    Platform.Response backup = platform.post("/api/v1/clusters/" + id + "/backups", null);

    assertThat(backup.status()).as(backup.raw()).isEqualTo(201);
    String backupId = backup.text("id");
    assertThat(backup.body().get("instances")).hasSize(2);
    assertThat(
            platform
                .get("/api/v1/clusters/" + id + "/backups")
                .body()
                .valueStream()
                .map(b -> b.get("id").asString()))
        .containsExactly(backupId);

    Platform.Response restored =
        platform.post(
            "/api/v1/backups/" + backupId + "/restore?async=true",
            "{\"name\":\"bk-1-copy\",\"namespace\":\"copies\"}");
    assertThat(restored.status()).as(restored.raw()).isEqualTo(202);
    JsonNode done = platform.awaitEnded(restored.text("operationId"));

    assertThat(done.get("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("result").get("namespace").asString()).isEqualTo("copies");
    assertThat(platform.nodeDir("bk-1-copy-db-1").resolve("restored-from")).hasContent("bk-1-db-1");
    assertThat(platform.nodeDir("bk-1-copy-db-2").resolve("restored-from")).hasContent("bk-1-db-2");
  }

  @Test
  void unknownClusterOrBackup_answers404AndBadInput400() {
    assertThat(platform.get("/api/v1/clusters/nope").status()).isEqualTo(404);
    assertThat(platform.post("/api/v1/clusters/nope/restart", null).status()).isEqualTo(404);
    assertThat(
            platform
                .post("/api/v1/backups/bk-000000000000/restore", "{\"name\":\"never\"}")
                .status())
        .isEqualTo(404);
    String id = install("bad-1");
    Platform.Response noRole =
        platform.post("/api/v1/clusters/" + id + "/instances", "{\"count\":1}");
    assertThat(noRole.status()).isEqualTo(400);
    assertThat(noRole.text("errMessage")).contains("role");
    Platform.Response badRole =
        platform.post("/api/v1/clusters/" + id + "/instances", "{\"role\":\"web\"}");
    assertThat(badRole.status()).as(badRole.raw()).isIn(400, 404);
    assertThat(platform.delete("/api/v1/clusters/" + id + "/instances/bad-1-db-9").status())
        .isEqualTo(404);
    assertThat(platform.get("/api/v1/clusters/" + id).body().get("instances")).hasSize(2);
  }

  @Test
  void apiDocs_describeTheReleaseClusterAndOperationPaths() {
    Platform.Response docs = platform.get("/v3/api-docs");

    assertThat(docs.status()).isEqualTo(200);
    JsonNode paths = docs.body().get("paths");
    assertThat(paths.propertyNames())
        .contains(
            "/api/v1/release",
            "/api/v1/release/{namespace}",
            "/api/v1/release/{namespace}/name/{release}",
            "/api/v1/release/{namespace}/name/{release}/pause",
            "/api/v1/release/{namespace}/name/{release}/recover",
            "/api/v1/release/{namespace}/name/{release}/restart",
            "/api/v1/clusters",
            "/api/v1/clusters/{cluster}/instances",
            "/api/v1/clusters/{cluster}/instances/{instance}",
            "/api/v1/clusters/{cluster}/promote",
            "/api/v1/clusters/{cluster}/restart",
            "/api/v1/clusters/{cluster}/backups",
            "/api/v1/backups/{backupId}/restore",
            "/api/v1/operations/{id}");
    assertThat(paths.get("/api/v1/release/{namespace}").has("post")).isTrue();
    assertThat(paths.get("/api/v1/release/{namespace}").has("put")).isTrue();
  }

  @Test
  void theStartersHealthAndEndpoint_showTheEngineAndItsClusters() {
    String id = install("observed");

    Platform.Response health = platform.get("/actuator/health");
    assertThat(health.status()).isEqualTo(200);
    JsonNode lifecycle = health.body().get("components").get("lifecycle");
    assertThat(lifecycle.get("status").asString()).isEqualTo("UP");
    assertThat(lifecycle.get("details").get("store").asString()).isEqualTo("reachable");

    Platform.Response estate = platform.get("/actuator/lifecycle");
    assertThat(estate.status()).isEqualTo(200);
    assertThat(estate.body().get("clusters").valueStream().map(c -> c.get("id").asString()))
        .contains(id);
    Platform.Response one = platform.get("/actuator/lifecycle/" + id);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().get("operations").get(0).get("type").asString()).isEqualTo("CREATE");
    assertThat(platform.get("/actuator/lifecycle/no-such-cluster").status()).isEqualTo(404);
  }

  private static String install(String name) {
    return platform
        .install("dbaas", "{\"name\":\"" + name + "\",\"chartName\":\"kv\"}")
        .get("id")
        .asString();
  }

  private static List<String> instanceIds(JsonNode cluster) {
    return cluster.get("instances").valueStream().map(n -> n.get("id").asString()).toList();
  }
}
