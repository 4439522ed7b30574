package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code create --archive}, {@code create --repo --app --version} and {@code repo search}, with the
 * repository served by an HTTP server on 127.0.0.1 that the test starts; an archive beats a spec
 * file given beside it (the release manager's chart archive over chart image).
 */
class SpecSourceCliTest {
  @TempDir Path dir;

  Path home;

  HttpServer server;

  String url;

  static String spec(String version) {
    return """
        name: zookeeper
        version: "%s"
        roles:
          - role: zk
            count: 1
            cpu: 1
            memory: 256
            services:
              start: {cmd: 'echo start >> log'}
        """
        .formatted(version);
  }

  static byte[] tgz(String... pathsAndTexts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
      for (int i = 0; i < pathsAndTexts.length; i += 2) {
        byte[] b = pathsAndTexts[i + 1].getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(pathsAndTexts[i]);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  @BeforeEach
  void serve() throws IOException {
    home = dir.resolve("home");
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Files.write(repo.resolve("zookeeper-6.0.0.tgz"), tgz("zookeeper/app.yaml", spec("6.0.0")));
    Files.write(repo.resolve("zookeeper-6.1.0.tgz"), tgz("zookeeper/app.yaml", spec("6.1.0")));
    Files.writeString(
        repo.resolve("index.yaml"),
        """
        apiVersion: v1
        entries:
          zookeeper:
            - version: 6.1.0
              description: ZooKeeper ensemble
              urls: [zookeeper-6.1.0.tgz]
            - version: 6.0.0
              description: ZooKeeper ensemble
              urls: [zookeeper-6.0.0.tgz]
        """);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          Path f = repo.resolve(ex.getRequestURI().getPath().substring(1));
          byte[] body = Files.isRegularFile(f) ? Files.readAllBytes(f) : new byte[0];
          ex.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
          if (body.length > 0) {
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  LifecycleCliTest.Result run(String... args) {
    return new HomeCli(home).run(args);
  }

  /** Runs a command that must succeed and returns its output. */
  String ok(String... args) {
    return new HomeCli(home).ok(args);
  }

  /** Runs a command that must exit with {@code expected}; returns its stderr. */
  String exits(int expected, String... args) {
    return new HomeCli(home).exits(expected, args);
  }

  String version(String cluster) throws IOException {
    JsonNode c = new ObjectMapper().readTree(ok("--json", "show", cluster));
    return c.at("/version").asText();
  }

  @Test
  void repositoryArchiveAndTheirPriority() throws IOException {
    assertThat(ok("repo", "search", url, "zoo"))
        .isEqualTo("zookeeper  6.1.0  ZooKeeper ensemble\nzookeeper  6.0.0  ZooKeeper ensemble\n");
    ok("create", "--repo", url, "--app", "zookeeper", "--version", "6.0.0", "--name", "zk1");
    assertThat(version("zk1")).isEqualTo("6.0.0");

    Path archive = Files.write(dir.resolve("zk.tgz"), tgz("zookeeper/app.yaml", spec("6.1.0")));
    Path file = Files.writeString(dir.resolve("zk.yaml"), spec("5.2.0"));
    ok(
        "create",
        file.toString(),
        "--archive",
        archive.toString(),
        "--repo",
        url,
        "--app",
        "zookeeper",
        "--version",
        "6.0.0",
        "--name",
        "zk2");
    assertThat(version("zk2")).isEqualTo("6.1.0");
    ok(
        "create",
        file.toString(),
        "--repo",
        url,
        "--app",
        "zookeeper",
        "--version",
        "6.0.0",
        "--name",
        "zk3");
    assertThat(version("zk3")).isEqualTo("5.2.0");
  }

  @Test
  void badSourcesExitTwoAndCreateNothing() throws IOException {
    Path evil = Files.write(dir.resolve("evil.tgz"), tgz("app.yaml", spec("1.0"), "../evil", "x"));
    assertThat(exits(2, "create", "--archive", evil.toString(), "--name", "zk"))
        .contains("../evil");
    Path empty = Files.write(dir.resolve("empty.tgz"), tgz("README", "nothing"));
    assertThat(exits(2, "create", "--archive", empty.toString(), "--name", "zk"))
        .contains("app.yaml");
    assertThat(
            exits(
                2,
                "create",
                "--repo",
                url,
                "--app",
                "zookeeper",
                "--version",
                "9.9.9",
                "--name",
                "zk"))
        .contains("9.9.9")
        .contains("6.1.0");
    assertThat(exits(2, "create", "--repo", url, "--name", "zk"))
        .contains("needs --app NAME and --version");
    assertThat(Files.exists(home)).isFalse();
  }
}
