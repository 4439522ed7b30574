package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config files rendered from role templates on the local infrastructure (docs/design.md §15):
 * zookeeper's {@code zoo.cfg} from a template file next to its spec, and kafka's {@code
 * server.properties} from the zookeeper it depends on, rendered again when zookeeper grows.
 */
class TemplatesCliTest {
  static final String ZK =
      """
      name: zookeeper
      version: 6.1.0
      config: {zk: {tick: 2000}}
      roles:
        - role: zk
          count: 3
          max_nodes: 5
          cpu: 1
          memory: 256
          advanced_actions: [scale_horizontal]
          services:
            start: {cmd: 'test -f conf/zoo.cfg && echo start >> log'}
            reload: {cmd: 'echo reload >> log'}
          templates:
            - {destination: conf/zoo.cfg, source: templates/zoo.cfg.mustache}
      """;

  static final String ZOO_CFG =
      """
      tickTime={{config.zk.tick}}
      {{#roles.zk}}
      server.{{gid}}={{node_id}}:2888:3888
      {{/roles.zk}}
      myid={{node.gid}}
      """;

  static final String KAFKA =
      """
      name: kafka
      version: 6.1.0
      roles:
        - role: broker
          count: 1
          cpu: 1
          memory: 256
          services:
            start: {cmd: 'echo start >> log'}
          templates:
            - destination: server.properties
              mode: "0640"
              content: |
                broker.id={{node.gid}}
                zookeeper.connect={{#links.zookeeper.hosts}}{{node_id}}:2181{{^last}},{{/last}}{{/links.zookeeper.hosts}}
      """;

  @TempDir Path home;

  @TempDir Path specDir;

  Path zk;
  Path kafka;

  @BeforeEach
  void writeSpecs() throws IOException {
    zk = Files.writeString(specDir.resolve("zk.yaml"), ZK);
    Files.createDirectories(specDir.resolve("templates"));
    Files.writeString(specDir.resolve("templates/zoo.cfg.mustache"), ZOO_CFG);
    kafka = Files.writeString(specDir.resolve("kafka.yaml"), KAFKA);
  }

  String ok(String... args) {
    return new HomeCli(home).ok(args);
  }

  String file(String node, String path) throws IOException {
    return Files.readString(home.resolve("nodes").resolve(node).resolve(path));
  }

  @Test
  void filesAreRenderedOnEachNodeAndAgainWhenWhatTheyShowChanges() throws IOException {
    ok("create", zk.toString(), "--name", "zk1");
    assertThat(file("zk1-zk-2", "conf/zoo.cfg"))
        .isEqualTo(
            "tickTime=2000\n"
                + "server.1=zk1-zk-1:2888:3888\n"
                + "server.2=zk1-zk-2:2888:3888\n"
                + "server.3=zk1-zk-3:2888:3888\n"
                + "myid=2\n");
    assertThat(file("zk1-zk-1", "log")).isEqualTo("start\n");

    ok("create", kafka.toString(), "--name", "kafka1", "--depend", "zookeeper=zk1");
    Path props = home.resolve("nodes/kafka1-broker-1/server.properties");
    assertThat(Files.readString(props))
        .isEqualTo("broker.id=1\nzookeeper.connect=zk1-zk-1:2181,zk1-zk-2:2181,zk1-zk-3:2181\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(props)))
        .isEqualTo("rw-r-----");

    ok("config", "set", "zk1", "zk.tick=3000");
    assertThat(file("zk1-zk-3", "conf/zoo.cfg")).startsWith("tickTime=3000\n");

    ok("add-nodes", "zk1", "--role", "zk", "--count", "1");
    assertThat(file("zk1-zk-1", "conf/zoo.cfg")).contains("server.4=zk1-zk-4:2888:3888\n");
    assertThat(Files.readString(props))
        .endsWith("zookeeper.connect=zk1-zk-1:2181,zk1-zk-2:2181,zk1-zk-3:2181,zk1-zk-4:2181\n");
  }

  @Test
  void planShowsEachNodesRenderedFiles() {
    assertThat(ok("plan", zk.toString(), "--name", "zk9"))
        .contains(
            "rendered file conf/zoo.cfg on zk9-zk-3 (mode 0644):\n"
                + "  | tickTime=2000\n"
                + "  | server.1=zk9-zk-1:2888:3888\n");
    assertThat(home.resolve("nodes/zk9-zk-1")).doesNotExist();
  }

  @Test
  void aMissingTemplateFileIsRefusedAndCreatesNothing() throws IOException {
    Files.delete(specDir.resolve("templates/zoo.cfg.mustache"));
    assertThat(new HomeCli(home).exits(2, "create", zk.toString(), "--name", "zk1"))
        .contains(
            "roles[0].templates[0].source: file 'templates/zoo.cfg.mustache' is not among"
                + " the app's files");
    assertThat(home.resolve("nodes")).doesNotExist();
  }
}
