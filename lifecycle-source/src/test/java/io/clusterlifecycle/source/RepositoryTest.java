package io.clusterlifecycle.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.source.LoadedApp;
import io.clusterlifecycle.api.source.RepositoryEntry;
import io.clusterlifecycle.api.source.SpecRepository;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository of two zookeeper versions and a kafka, served by an HTTP server on 127.0.0.1 and
 * read from a directory.
 */
class RepositoryTest {

  @TempDir Path dir;
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();
  private HttpServer server;
  private String base;

  @BeforeEach
  void serve() throws IOException {
    byte[] v610 = Archives.tgz(Archives.app("zookeeper/", "6.1.0"));
    byte[] v600 = Archives.tgz(Archives.app("zookeeper/", "6.0.0"));
    put("zookeeper-6.1.0.tgz", v610);
    put("archives/zookeeper-6.0.0.tgz", v600);
    put("wrong-name.tgz", Archives.tgz(Archives.app("", "7.0.0")));
    put("index.yaml", index(sha256(v610), sha256(v600)).getBytes(StandardCharsets.UTF_8));

    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = served.get(exchange.getRequestURI().getPath().substring("/apps/".length()));
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/apps";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void put(String path, byte[] bytes) throws IOException {
    served.put(path, bytes);
    Files.createDirectories(dir.resolve(path).getParent());
    Files.write(dir.resolve(path), bytes);
  }

  private static String index(String digest610, String digest600) {
    return """
        apiVersion: v1
        entries:
          zookeeper:
            - version: 6.0.0
              description: ZooKeeper ensemble, previous
              urls: [archives/zookeeper-6.0.0.tgz]
              digest: %s
            - version: 6.1.0
              description: ZooKeeper ensemble
              urls: [zookeeper-6.1.0.tgz]
              digest: %s
            - version: 6.2.0
              description: ZooKeeper whose digest is wrong
              urls: [zookeeper-6.1.0.tgz]
              digest: %s
          kafka:
            - version: 7.0.0
              description: Kafka brokers, whose archive holds a zookeeper spec
              urls: [wrong-name.tgz]
        generated: "2026-12-03T00:00:00Z"
        """
        .formatted(digest600, digest610, "ab".repeat(32));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private List<SpecRepository> repositories() {
    return List.of(
        SpecSources.repository(base),
        SpecSources.repository(base + "/index.yaml"),
        SpecSources.repository(dir.toString()),
        SpecSources.repository(dir.toUri().toString()));
  }

  @Test
  void loadsAnAppByNameAndVersion() {
    for (SpecRepository repo : repositories()) {
      for (String version : List.of("6.1.0", "6.0.0")) {
        LoadedApp app = repo.source("zookeeper", version).load();

        assertThat(app.spec().name()).isEqualTo("zookeeper");
        assertThat(app.spec().version()).isEqualTo(version);
        assertThat(app.files()).containsOnlyKeys("scripts/start.sh", "templates/zoo.cfg.tpl");
        assertThat(app.origin()).isEqualTo(repo.describe() + " zookeeper " + version);
      }
    }
  }

  @Test
  void searchesByNameAndDescriptionNewestFirst() {
    for (SpecRepository repo : repositories()) {
      assertThat(repo.search("ZOOKEEPER"))
          .extracting(RepositoryEntry::app, RepositoryEntry::version)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("kafka", "7.0.0"),
              org.assertj.core.groups.Tuple.tuple("zookeeper", "6.2.0"),
              org.assertj.core.groups.Tuple.tuple("zookeeper", "6.1.0"),
              org.assertj.core.groups.Tuple.tuple("zookeeper", "6.0.0"));
      assertThat(repo.search("brokers")).extracting(RepositoryEntry::app).containsExactly("kafka");
      assertThat(repo.search("")).hasSize(4);
      assertThat(repo.search("cassandra")).isEmpty();
    }
  }

  @Test
  void aMissingVersionNamesTheVersionsThereAre() {
    for (SpecRepository repo : repositories()) {
      NotFoundException e =
          catchThrowableOfType(
              NotFoundException.class, () -> repo.source("zookeeper", "9.9.9").load());

      assertThat(e.getMessage())
          .contains("zookeeper 9.9.9", repo.describe())
          .contains("6.2.0, 6.1.0, 6.0.0");
    }
  }

  @Test
  void aMissingAppNamesTheAppsThereAre() {
    SpecRepository repo = SpecSources.repository(base);

    NotFoundException e =
        catchThrowableOfType(NotFoundException.class, () -> repo.source("hbase", "1.0").load());

    assertThat(e.getMessage())
        .contains("hbase 1.0", repo.describe(), "no app hbase", "zookeeper, kafka");
  }

  @Test
  void aWrongDigestIsRefused() {
    for (SpecRepository repo : repositories()) {
      ValidationException e =
          catchThrowableOfType(
              ValidationException.class, () -> repo.source("zookeeper", "6.2.0").load());

      assertThat(e.problems()).hasSize(1);
      assertThat(e.problems().get(0).path()).isEqualTo("entries.zookeeper[2].digest");
      assertThat(e.problems().get(0).reason()).contains("SHA-256");
    }
  }

  @Test
  void aSpecOfAnotherAppOrVersionIsRefused() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> SpecSources.repository(base).source("kafka", "7.0.0").load());

    assertThat(e.problems()).extracting(p -> p.path()).containsExactly("name");
    assertThat(e.getMessage()).contains("wrong-name.tgz");
  }

  @Test
  void aMalformedIndexIsRefused() throws IOException {
    served.put("index.yaml", "entries:\n  zk:\n    - urls: []\n".getBytes(StandardCharsets.UTF_8));

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> SpecSources.repository(base).search(""));

    assertThat(e.problems())
        .extracting(p -> p.path())
        .containsExactly("entries.zk[0].version", "entries.zk[0].urls");
  }

  @Test
  void aMissingIndexCannotBeRead() {
    SpecRepository repo = SpecSources.repository(base + "/nowhere/");

    assertThat(catchThrowableOfType(java.io.UncheckedIOException.class, () -> repo.search("")))
        .hasMessageContaining("nowhere/index.yaml");
  }
}
