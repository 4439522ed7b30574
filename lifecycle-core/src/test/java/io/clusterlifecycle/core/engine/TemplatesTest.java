package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.RenderedFile;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ParameterSpec;
import io.clusterlifecycle.api.spec.ParameterType;
import io.clusterlifecycle.api.spec.TemplateSpec;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.CommandRun;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Config files rendered from role templates (docs/design.md §15): rendered per node before its
 * commands and again on every change its reload sees, written through the executor, secrets
 * resolved on the node and masked in a dry-run.
 */
class TemplatesTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  static final String ZOO_CFG =
      "tickTime={{config.zk.tick}}\n"
          + "{{#roles.zk}}server.{{gid}}={{node_id}}:2888:3888\n{{/roles.zk}}"
          + "myid={{node.gid}}\n";

  static AppSpec zookeeper(boolean withReload) {
    return AppSpec.builder("zookeeper", "6.1.0")
        .config(Map.of("zk", Map.of("tick", 2000)))
        .parameter(
            ParameterSpec.builder("password", ParameterType.STRING)
                .path("zk.password")
                .secret()
                .build())
        .role(
            "zk",
            r -> {
              r.count(3)
                  .maxNodes(9)
                  .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                  .service("start", "zk-start")
                  .template("conf/zoo.cfg", ZOO_CFG)
                  .template(
                      TemplateSpec.inline(
                              "conf/auth.properties", "password={{config.zk.password}}\n")
                          .withMode("0644"));
              if (withReload) {
                r.service("reload", "zk-reload");
              }
            })
        .build();
  }

  /** The files a writer run carries, by destination. */
  static Map<String, String> files(CommandRun run) {
    Map<String, String> env = run.environment();
    Map<String, String> out = new LinkedHashMap<>();
    int count = Integer.parseInt(env.get("LC_TEMPLATE_COUNT"));
    for (int i = 0; i < count; i++) {
      StringBuilder data = new StringBuilder();
      for (int j = 0; env.containsKey("LC_TEMPLATE_" + i + "_DATA_" + j); j++) {
        data.append(env.get("LC_TEMPLATE_" + i + "_DATA_" + j));
      }
      out.put(
          env.get("LC_TEMPLATE_" + i + "_PATH") + " " + env.get("LC_TEMPLATE_" + i + "_MODE"),
          new String(Base64.getDecoder().decode(data.toString()), StandardCharsets.UTF_8));
    }
    return out;
  }

  private List<CommandRun> writes(String node) {
    return h.commands.runs("templates").stream().filter(r -> r.nodeId().equals(node)).toList();
  }

  private LifecycleEngine withSecrets() {
    return h.engine(
        b ->
            b.secretResolver(
                ref ->
                    CompletableFuture.completedFuture(
                        ref.toString().endsWith("ZK_PW") ? "s3cr3t" : "?")));
  }

  private CreateCluster create(boolean withReload) {
    return CreateCluster.builder(zookeeper(withReload), "zk1")
        .param("password", "env:ZK_PW")
        .build();
  }

  @Test
  void eachNodeGetsItsFilesBeforeItsStart_withTheSecretResolvedAndTheFileClosedToOthers() {
    withSecrets().create(create(true));
    for (int i = 1; i <= 3; i++) {
      String node = "zk1-zk-" + i;
      List<CommandRun> writes = writes(node);
      assertThat(writes).hasSize(1);
      CommandRun start =
          h.commands.runs("start").stream()
              .filter(r -> r.nodeId().equals(node))
              .findFirst()
              .orElseThrow();
      assertThat(writes.get(0).endedBefore(start)).isTrue();
      assertThat(writes.get(0).script()).doesNotContain("zk1", "s3cr3t", "2000");
      assertThat(files(writes.get(0)))
          .containsExactly(
              Map.entry(
                  "conf/zoo.cfg 0644",
                  "tickTime=2000\n"
                      + "server.1=zk1-zk-1:2888:3888\n"
                      + "server.2=zk1-zk-2:2888:3888\n"
                      + "server.3=zk1-zk-3:2888:3888\n"
                      + "myid="
                      + i
                      + "\n"),
              Map.entry("conf/auth.properties 0600", "password=s3cr3t\n"));
    }
    assertThat(h.events.events().toString()).doesNotContain("s3cr3t");
  }

  @Test
  void aConfigChangeRendersTheFilesAgainBeforeTheReload() {
    LifecycleEngine e = withSecrets();
    e.create(create(true));
    e.execute(
        Reconfigure.of(
            "zk1",
            new SettingsChange(Map.of("zk", Map.of("tick", 3000)), Map.of(), Map.of(), Map.of())));
    List<CommandRun> writes = writes("zk1-zk-2");
    assertThat(writes).hasSize(2);
    CommandRun reload =
        h.commands.runs("reload").stream()
            .filter(r -> r.nodeId().equals("zk1-zk-2"))
            .findFirst()
            .orElseThrow();
    assertThat(writes.get(1).endedBefore(reload)).isTrue();
    assertThat(files(writes.get(1)).get("conf/zoo.cfg 0644")).startsWith("tickTime=3000\n");
  }

  @Test
  void aRoleWithoutReloadStillGetsItsFilesAgainWhenNodesAreAdded() {
    LifecycleEngine e = withSecrets();
    e.create(create(false));
    e.addNodes(AddNodes.of("zk1", "zk", 1));
    List<CommandRun> writes = writes("zk1-zk-1");
    assertThat(writes).hasSize(2);
    assertThat(files(writes.get(1)).get("conf/zoo.cfg 0644"))
        .contains("server.4=zk1-zk-4:2888:3888\n");
    assertThat(files(writes("zk1-zk-4").get(0)).get("conf/zoo.cfg 0644")).endsWith("myid=4\n");
    assertThat(h.stages()).anyMatch(s -> s.startsWith("render config files"));
  }

  @Test
  void aNodeWhoseReloadDoesNotWatchTheChange_stillGetsItsFilesRenderedAgain() {
    AppSpec spec =
        AppSpec.builder("app", "1")
            .config(Map.of("tick", 1))
            .role(
                "r",
                r ->
                    r.count(2)
                        .service("start", "s")
                        .service("reload", s -> s.cmd("rl").watch(List.of("/hosts")))
                        .template("t.conf", "tick={{config.tick}}"))
            .build();
    h.engine.create(CreateCluster.builder(spec, "w").build());
    int reloads = h.commands.runCount("reload");
    h.engine.execute(
        Reconfigure.of("w", new SettingsChange(Map.of("tick", 2), Map.of(), Map.of(), Map.of())));
    assertThat(h.commands.runCount("reload")).isEqualTo(reloads);
    assertThat(files(writes("w-r-2").get(1))).containsExactly(Map.entry("t.conf 0644", "tick=2"));
    assertThat(h.stages()).anyMatch(s -> s.startsWith("render config files"));
    assertThatThrownBy(
            () -> AppSpec.builder("app", "1").role("r", r -> r.service("templates", "x")).build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("service name 'templates' is reserved");
  }

  @Test
  void aDryRunShowsEachNodesFilesWithSecretsMaskedAndRunsNothing() {
    Plan plan = withSecrets().plan(create(true));
    assertThat(plan.files())
        .extracting(RenderedFile::node)
        .containsOnly("zk1-zk-1", "zk1-zk-2", "zk1-zk-3");
    assertThat(plan.files())
        .filteredOn(f -> f.destination().equals("conf/auth.properties"))
        .extracting(f -> f.mode() + " " + f.content())
        .containsOnly("0600 password=******\n");
    assertThat(plan.toText())
        .contains("rendered file conf/zoo.cfg on zk1-zk-2 (mode 0644):\n  | tickTime=2000\n");
    assertThat(plan.toText()).doesNotContain("s3cr3t", "env:ZK_PW");
    assertThat(h.commands.runs()).isEmpty();
  }

  @Test
  void templatesCannotIncludeFilesNorReachJavaMembers() {
    AppSpec partial =
        AppSpec.builder("app", "1")
            .role("r", r -> r.service("start", "s").template("x.conf", "{{> /etc/passwd}}"))
            .build();
    assertThatThrownBy(() -> h.engine.create(CreateCluster.builder(partial, "p").build()))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("templates cannot include other files");
    AppSpec member =
        AppSpec.builder("app", "1")
            .role(
                "r",
                r ->
                    r.service("start", "s")
                        .template("x.conf", "[{{cluster.name.class}}][{{cluster.name}}]"))
            .build();
    h.engine.create(CreateCluster.builder(member, "m").build());
    assertThat(files(writes("m-r-1").get(0))).containsExactly(Map.entry("x.conf 0644", "[][m]"));
  }

  @Test
  void aTemplateWhoseSourceWasNotLoadedIsRefusedBeforeAnythingRuns() {
    AppSpec unloaded =
        AppSpec.builder("app", "1")
            .role(
                "r",
                r -> r.service("start", "s").template(TemplateSpec.fromSource("x.conf", "x.tmpl")))
            .build();
    assertThatThrownBy(() -> h.engine.create(CreateCluster.builder(unloaded, "u").build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("template file 'x.tmpl' was not loaded");
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).isEmpty();
    assertThat(
            unloaded
                .withTemplateSources(Map.of("x.tmpl", "{{node.node_id}}"))
                .roles()
                .get(0)
                .templates()
                .get(0)
                .content())
        .contains("{{node.node_id}}");
  }

  @Test
  void badTemplatesAreValidationProblemsNamingThem() {
    assertThatThrownBy(
            () ->
                AppSpec.builder("app", "1")
                    .role(
                        "r",
                        r ->
                            r.template("../etc/x", "a")
                                .template(TemplateSpec.inline("ok", "b").withMode("rwx"))
                                .template("ok", "c"))
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "roles[0].templates[0]: destination '../etc/x' must name a file, without '.' or '..'"
                + " segments or control characters")
        .hasMessageContaining(
            "roles[0].templates[1]: mode 'rwx' must be octal permission bits such as 0644")
        .hasMessageContaining(
            "roles[0].templates[2].destination: duplicate destination 'ok' (also templates[1])");
  }
}
