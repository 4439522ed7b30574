package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.StandardService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The application {@code lifecycle demo} runs: {@code kvstore}, three roles whose nodes each run a
 * small server process on this machine.
 *
 * <p>{@code init} writes the node program (the bundled {@code demo/lifecycle-demo-server}) into the
 * node directory; {@code start} launches it in the background and waits for its first heartbeat;
 * {@code stop} ends it and waits until it has exited; {@code reload} renders {@code conf/kv.conf}
 * from the metadata tree in {@code LC_METADATA} and sends the server SIGHUP. The coordinator starts
 * first and stops last, the gateway the other way round. Storage nodes hold data: they can be added
 * and removed, resize one at a time, upgrade one at a time and back their data up into {@code
 * LC_BACKUP_DIR}. Gateways report their {@code LOAD} through a {@code metrics} service; an
 * elasticity policy adds one when it stays over 80 for two seconds.
 */
final class DemoApp {
  /** What the servers carry on their command lines: {@code pgrep -f} finds them by it. */
  static final String SERVER = "lifecycle-demo-server";

  static final String COORDINATOR = "coordinator";
  static final String STORAGE = "storage";
  static final String GATEWAY = "gateway";
  static final List<String> ROLES = List.of(COORDINATOR, STORAGE, GATEWAY);

  /** How long the cluster cools down after the gateway's elasticity policy added a node. */
  static final Duration COOLDOWN = Duration.ofSeconds(3);

  private static final String PROGRAM = "bin/" + SERVER;

  private DemoApp() {}

  /**
   * The app spec at a version; the images carry the version, so that an upgrade boots new ones.
   *
   * @param version the app version, {@code 1.0} or {@code 1.1} in the demo
   * @return the validated spec
   */
  static AppSpec spec(String version) {
    return AppSpec.builder("kvstore", version)
        .env("replication", "2")
        .role(
            COORDINATOR,
            r ->
                server(r, COORDINATOR, version, 0, 2)
                    .count(1)
                    .minNodes(1)
                    .maxNodes(1)
                    .cpu(1)
                    .memory(512))
        .role(
            STORAGE,
            r ->
                server(r, STORAGE, version, 1, 1)
                    .count(3)
                    .minNodes(2)
                    .maxNodes(8)
                    .cpu(2)
                    .memory(1024)
                    .volume(10, "/data")
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .verticalScalingPolicy(ExecutionPolicy.SEQUENTIAL)
                    .upgradingPolicy(ExecutionPolicy.SEQUENTIAL)
                    .service(StandardService.INIT, init() + "echo \"$LC_NODE_ID\" > data/owner\n")
                    .service(
                        StandardService.SCALE_OUT,
                        s ->
                            s.nodesToExecuteOn(1)
                                .cmd(
                                    "echo \"$(date +%T) rebalancing onto the new nodes\" >> run/server.log"))
                    .service(
                        StandardService.SCALE_IN,
                        s ->
                            s.preCheck("test -s data/owner")
                                .cmd(
                                    "echo \"$(date +%T) rebalancing off the leaving nodes\" >> run/server.log"))
                    .service(
                        StandardService.UPGRADE,
                        s ->
                            s.postStartService(true)
                                .cmd(
                                    "echo \"$(date +%T) data migrated to $LC_APP_VERSION\" >> run/server.log"))
                    .service(
                        StandardService.BACKUP,
                        "cp -R data \"$LC_BACKUP_DIR/\" && echo \"$(date +%T) backup $LC_BACKUP_ID\""
                            + " >> run/server.log"))
        .role(
            GATEWAY,
            r ->
                server(r, GATEWAY, version, 2, 0)
                    .count(1)
                    .minNodes(1)
                    .maxNodes(3)
                    .cpu(1)
                    .memory(512)
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service("metrics", "cat run/load 2>/dev/null || echo LOAD=0")
                    .elasticityPolicy(
                        ElasticityPolicy.builder("LOAD > 80", 1)
                            .periodNumber(2)
                            .period(Duration.ofSeconds(1))
                            .cooldown(COOLDOWN)
                            .build()))
        .build();
  }

  /** The services every role shares: a server started at one order and stopped at another. */
  private static RoleSpec.Builder server(
      RoleSpec.Builder r, String role, String version, int startOrder, int stopOrder) {
    return r.image("kvstore-" + role + ":" + version)
        .service(StandardService.INIT, init())
        .service(StandardService.START, s -> s.order(startOrder).cmd(mode("start")))
        .service(StandardService.STOP, s -> s.order(stopOrder).cmd(mode("stop")))
        .service(
            StandardService.RELOAD,
            s -> s.addWatch("/hosts").cmd("[ ! -f " + PROGRAM + " ] || " + mode("reload")));
  }

  private static String mode(String mode) {
    return "bash " + PROGRAM + " " + mode + " \"$PWD\"";
  }

  /** Writes the node program into the node directory, from a quoted here-document. */
  private static String init() {
    return "mkdir -p bin data run\n"
        + "cat > "
        + PROGRAM
        + " <<'LIFECYCLE_DEMO_PROGRAM'\n"
        + program()
        + "LIFECYCLE_DEMO_PROGRAM\n";
  }

  private static String program() {
    try (InputStream in = DemoApp.class.getResourceAsStream("/demo/" + SERVER)) {
      if (in == null) {
        throw new IllegalStateException("demo/" + SERVER + " is not bundled in the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
