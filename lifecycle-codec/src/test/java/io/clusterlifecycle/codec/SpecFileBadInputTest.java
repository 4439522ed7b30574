package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spec.AppSpec;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid spec documents: each must be refused with exactly one problem, at the exact path and with
 * the exact reason, so that the person fixing the file knows where and what.
 */
class SpecFileBadInputTest {

  private static final String APP_KEYS =
      "name, version, env, secrets, config, parameters, deployment, roles";
  private static final String ROLE_KEYS =
      "role, count, min_nodes, max_nodes, cpu, memory, image,"
          + " volume, advanced_actions, vertical_scaling_policy, upgrading_policy, services,"
          + " templates, elasticity_policies, scheduled_policies";
  private static final String SERVICE_KEYS =
      "cmd, order, timeout, nodes_to_execute_on,"
          + " post_start_service, post_stop_service, pre_check, watch, secrets";
  private static final String EMPTY =
      "the file is empty; it must hold an app spec with at least" + " name, version and roles";

  /** The smallest valid YAML spec; the cases below add one mistake to it. */
  private static final String HEAD =
      """
      name: zk
      version: "1"
      roles:
        - role: zk
      """;

  private static final String SCALES = "advanced_actions: [scale_horizontal]\nmax_nodes: 5\n";

  /** One invalid document and the single problem it must be refused with. */
  record Case(String description, SpecFormat format, String content, String path, String reason) {
    @Override
    public String toString() {
      return description;
    }
  }

  private static Case yaml(String description, String content, String path, String reason) {
    return new Case(description, SpecFormat.YAML, content, path, reason);
  }

  private static Case json(String description, String content, String path, String reason) {
    return new Case(description, SpecFormat.JSON, content, path, reason);
  }

  /** The valid head with {@code lines} added to its only role. */
  private static String role(String lines) {
    return HEAD + lines.indent(4);
  }

  /** The valid head whose only role has one service, written as a YAML flow mapping. */
  private static String service(String name, String flowMapping) {
    return role("services:\n  " + name + ": " + flowMapping + "\n");
  }

  static Stream<Case> invalidDocuments() {
    return Stream.of(
        // ---- required fields
        yaml(
            "missing name",
            """
            version: "1"
            roles:
              - role: zk
            """,
            "name",
            "is required"),
        json(
            "missing version",
            """
            {"name": "zk", "roles": [{"role": "zk"}]}
            """,
            "version",
            "is required"),
        yaml(
            "missing roles",
            """
            name: zk
            version: "1"
            """,
            "roles",
            "is required"),
        yaml(
            "roles key without a value",
            """
            name: zk
            version: "1"
            roles:
            """,
            "roles",
            "is required"),
        yaml(
            "empty roles list",
            """
            name: zk
            version: "1"
            roles: []
            """,
            "roles",
            "must list at least one role"),
        yaml(
            "missing cmd",
            service("start", "{order: 1}"),
            "roles[0].services.start.cmd",
            "is required"),
        yaml(
            "volume without size",
            role("volume: {mount_point: /data}"),
            "roles[0].volume.size",
            "is required"),
        yaml(
            "role without a name",
            """
            name: zk
            version: "1"
            roles:
              - count: 1
            """,
            "roles[0].role",
            "is required"),

        // ---- names
        yaml(
            "duplicate role",
            HEAD + "  - role: zk\n",
            "roles[1].role",
            "duplicate role 'zk' (also roles[0])"),
        yaml(
            "role name with upper case and underscore",
            """
            name: zk
            version: "1"
            roles:
              - role: Zk_1
            """,
            "roles[0].role",
            "must match [a-z][a-z0-9-]{0,39} (a lower-case letter, then"
                + " lower-case letters, digits or '-'; at most 40), was 'Zk_1'"),
        yaml(
            "role name starting with a digit",
            """
            name: zk
            version: "1"
            roles:
              - role: 1zk
            """,
            "roles[0].role",
            "must match [a-z][a-z0-9-]{0,39} (a lower-case letter, then"
                + " lower-case letters, digits or '-'; at most 40), was '1zk'"),
        yaml(
            "app name with a space",
            """
            name: my app
            version: "1"
            roles:
              - role: zk
            """,
            "name",
            "must match [A-Za-z0-9][A-Za-z0-9._-]{0,63} (letters, digits, '.', '_'"
                + " or '-', starting with a letter or digit; at most 64), was 'my app'"),
        yaml(
            "custom service name with upper case",
            service("Smoke_Test", "{cmd: run}"),
            "roles[0].services.Smoke_Test",
            "service name must match [a-z][a-z0-9_-]{0,39} (a"
                + " lower-case letter, then lower-case letters, digits, '_' or '-'; at most 40)"),
        yaml(
            "env key starting with a digit",
            """
            name: zk
            version: "1"
            env: {1st: x}
            roles:
              - role: zk
            """,
            "env.1st",
            "key must match [A-Za-z_][A-Za-z0-9_.-]{0,127} (a letter or '_',"
                + " then letters, digits, '_', '.' or '-'; at most 128)"),

        // ---- counts and bounds
        yaml(
            "count above max_nodes",
            role("count: 10\nmax_nodes: 9"),
            "roles[0].count",
            "must be within [min_nodes, max_nodes] = [1, 9], was 10"),
        yaml(
            "count below the default min_nodes",
            role("count: 0"),
            "roles[0].count",
            "must be within [min_nodes, max_nodes] = [1, unbounded], was 0"),
        yaml(
            "count above the largest role",
            role("count: 200000"),
            "roles[0].count",
            "must be between 0 and 100000, was 200000"),
        yaml(
            "min_nodes above max_nodes",
            role("count: 3\nmin_nodes: 5\nmax_nodes: 3"),
            "roles[0].min_nodes",
            "must not exceed max_nodes (3), was 5"),
        yaml(
            "negative min_nodes",
            role("min_nodes: -1"),
            "roles[0].min_nodes",
            "must be >= 0, was -1"),
        yaml("max_nodes 0", role("max_nodes: 0"), "roles[0].max_nodes", "must be >= 1, was 0"),
        json(
            "max_nodes above the largest role",
            """
            {"name": "zk", "version": "1", "roles": [{"role": "zk", "max_nodes": 100001}]}
            """,
            "roles[0].max_nodes",
            "must be <= 100000 (omit it for no upper bound)," + " was 100001"),

        // ---- resources
        yaml("zero cpu", role("cpu: 0"), "roles[0].cpu", "must be between 1 and 4096 cores, was 0"),
        yaml(
            "cpu over the maximum",
            role("cpu: 5000"),
            "roles[0].cpu",
            "must be between 1 and 4096 cores, was 5000"),
        json(
            "zero memory",
            """
            {"name": "zk", "version": "1", "roles": [{"role": "zk", "memory": 0}]}
            """,
            "roles[0].memory",
            "must be between 1 and 67108864 MiB, was 0"),
        yaml(
            "blank image",
            role("image: \"  \""),
            "roles[0].image",
            "must not be blank (omit it for the provider's default image)"),
        yaml(
            "volume size 0",
            role("volume: {size: 0, mount_point: /data}"),
            "roles[0].volume.size",
            "must be between 1 and 1048576 GiB, was 0"),
        yaml(
            "relative mount_point",
            role("volume: {size: 10, mount_point: data}"),
            "roles[0].volume.mount_point",
            "must be an absolute path such as /data, was 'data'"),

        // ---- services
        yaml(
            "blank cmd",
            service("start", "{cmd: \"   \"}"),
            "roles[0].services.start.cmd",
            "must not be blank"),
        yaml(
            "negative order",
            service("start", "{cmd: run, order: -1}"),
            "roles[0].services.start.order",
            "must be >= 0, was -1"),
        yaml(
            "timeout 0",
            service("start", "{cmd: run, timeout: 0}"),
            "roles[0].services.start.timeout",
            "must be whole seconds between 1 and 86400," + " was 0s"),
        yaml(
            "timeout one second over a day",
            service("stop", "{cmd: run, timeout: 86401}"),
            "roles[0].services.stop.timeout",
            "must be whole seconds between 1 and 86400," + " was 86401s"),
        yaml(
            "nodes_to_execute_on 0",
            service("scale_out", "{cmd: run, nodes_to_execute_on: 0}"),
            "roles[0].services.scale_out.nodes_to_execute_on",
            "must be >= 1, was 0"),
        yaml(
            "post_start_service on start",
            service("start", "{cmd: run, post_start_service: true}"),
            "roles[0].services.start.post_start_service",
            "is only allowed on init and upgrade"),
        yaml(
            "post_start_service false on start is still refused",
            service("start", "{cmd: run, post_start_service: false}"),
            "roles[0].services.start.post_start_service",
            "is only allowed on init and upgrade"),
        yaml(
            "post_stop_service on init",
            service("init", "{cmd: run, post_stop_service: true}"),
            "roles[0].services.init.post_stop_service",
            "is only allowed on destroy"),
        yaml(
            "pre_check on start",
            service("start", "{cmd: run, pre_check: test -f x}"),
            "roles[0].services.start.pre_check",
            "is only allowed on scale_out and scale_in"),
        yaml(
            "blank pre_check on scale_in",
            service("scale_in", "{cmd: run, pre_check: \"\"}"),
            "roles[0].services.scale_in.pre_check",
            "must not be blank (omit it for no" + " pre-check)"),
        yaml(
            "watch on start",
            service("start", "{cmd: run, watch: [/hosts]}"),
            "roles[0].services.start.watch",
            "is only allowed on reload"),
        yaml(
            "relative watch path on reload",
            service("reload", "{cmd: run, watch: [/hosts, env]}"),
            "roles[0].services.reload.watch[1]",
            "must be an absolute metadata path such as" + " /hosts, was 'env'"),

        // ---- unknown keys and values
        yaml(
            "unknown top-level key",
            HEAD + "labels: {tier: db}\n",
            "labels",
            "unknown key; known keys here: " + APP_KEYS),
        json(
            "misspelt top-level key",
            """
            {"name": "zk", "version": "1", "envs": {}, "roles": [{"role": "zk"}]}
            """,
            "envs",
            "unknown key; did you mean 'env'? known keys here: " + APP_KEYS),
        // ---- elasticity and scheduled policies
        yaml(
            "policy expression with bad syntax",
            role(SCALES + "elasticity_policies:\n  - {expression: 'CPU >> 80', adjust: 1}"),
            "roles[0].elasticity_policies[0].expression",
            "expected a metric name or a number at character 6 of 'CPU >> 80', found '>'"),
        yaml(
            "unknown policy type",
            role(
                SCALES
                    + "elasticity_policies:\n  - {expression: 'CPU > 80', type: GROW, adjust: 1}"),
            "roles[0].elasticity_policies[0].type",
            "unknown policy type 'GROW'; use one of: change, cardinality, percentage_change"),
        yaml(
            "cron recurrence that never fires",
            role(SCALES + "scheduled_policies:\n  - {recurrence: '0 0 31 2 *', adjust: 1}"),
            "roles[0].scheduled_policies[0].recurrence",
            "never fires ('0 0 31 2 *' names no date that exists)"),
        yaml(
            "cron recurrence that does not parse",
            role(SCALES + "scheduled_policies:\n  - {recurrence: '0 25 * * *', adjust: 1}"),
            "roles[0].scheduled_policies[0].recurrence",
            "is not a valid cron expression ('0 25 * * *'): Failed to parse cron expression. Value"
                + " 25 not in range [0, 23]"),
        yaml(
            "cardinality outside min/max nodes",
            role(
                SCALES
                    + "scheduled_policies:\n"
                    + "  - {recurrence: '0 8 * * *', type: CARDINALITY, adjust: 9}"),
            "roles[0].scheduled_policies[0].adjust",
            "a CARDINALITY of 9 is outside the role's min/max nodes [1, 5]"),
        yaml(
            "scheduled policy with both a recurrence and a start time",
            role(
                SCALES
                    + "scheduled_policies:\n"
                    + "  - {recurrence: '0 8 * * *', start_time: '2027-01-01T00:00:00Z', adjust: 1}"),
            "roles[0].scheduled_policies[0]",
            "set exactly one of recurrence and start_time"),
        yaml(
            "policies on a role that does not scale",
            role("elasticity_policies:\n  - {expression: 'CPU > 80', adjust: 1}"),
            "roles[0].advanced_actions",
            "must list scale_horizontal: role zk has elasticity or scheduled policies, which add"
                + " and delete its nodes"),
        yaml(
            "role key 'mem' hints at memory",
            role("mem: 4096"),
            "roles[0].mem",
            "unknown key; did you mean 'memory'? known keys here: " + ROLE_KEYS),
        yaml(
            "role key 'memroy' hints at memory",
            role("memroy: 4096"),
            "roles[0].memroy",
            "unknown key; did you mean 'memory'? known keys here: " + ROLE_KEYS),
        yaml(
            "unknown service field",
            service("start", "{cmd: run, retries: 3}"),
            "roles[0].services.start.retries",
            "unknown key; known keys here: " + SERVICE_KEYS),
        yaml(
            "misspelt service field",
            service("start", "{cmd: run, ordr: 1}"),
            "roles[0].services.start.ordr",
            "unknown key; did you mean 'order'? known keys here: " + SERVICE_KEYS),
        yaml(
            "ambiguous prefix gives no hint",
            service("destroy", "{cmd: run, post: true}"),
            "roles[0].services.destroy.post",
            "unknown key; known keys here: " + SERVICE_KEYS),
        yaml(
            "unknown volume key",
            role("volume: {size: 10, mount: /data}"),
            "roles[0].volume.mount",
            "unknown key; did you mean 'mount_point'? known keys here:" + " size, mount_point"),
        yaml(
            "unknown vertical_scaling_policy",
            role("vertical_scaling_policy: rolling"),
            "roles[0].vertical_scaling_policy",
            "unknown policy 'rolling'; use one of: parallel," + " sequential"),
        json(
            "unknown upgrading_policy",
            """
            {"name": "zk", "version": "1", "roles": [{"role": "zk", "upgrading_policy": "serial"}]}
            """,
            "roles[0].upgrading_policy",
            "unknown policy 'serial'; use one of: parallel," + " sequential"),
        yaml(
            "unknown advanced action",
            role("advanced_actions: [scale_vertical]"),
            "roles[0].advanced_actions[0]",
            "unknown advanced action 'scale_vertical'; known:" + " scale_horizontal"),

        // ---- wrong types
        yaml(
            "count as a string",
            role("count: \"3\""),
            "roles[0].count",
            "must be a whole number, was a string"),
        yaml(
            "cpu as a decimal",
            role("cpu: 1.5"),
            "roles[0].cpu",
            "must be a whole number, was a decimal number"),
        yaml(
            "count beyond int",
            role("count: 99999999999"),
            "roles[0].count",
            "must be a whole number between -2147483648 and 2147483647," + " was 99999999999"),
        yaml(
            "version as a number",
            """
            name: zk
            version: 3.8
            roles:
              - role: zk
            """,
            "version",
            "must be a string, was a decimal number; put it in quotes"),
        yaml(
            "roles as a mapping",
            """
            name: zk
            version: "1"
            roles:
              zk: {count: 3}
            """,
            "roles",
            "must be a list of roles, was a mapping"),
        yaml(
            "role as a string",
            """
            name: zk
            version: "1"
            roles:
              - zk
            """,
            "roles[0]",
            "must be a role with at least a 'role' name, was a string"),
        yaml(
            "services as a list",
            role("services:\n  - start"),
            "roles[0].services",
            "must be service names mapped to services, was a list"),
        yaml(
            "post_start_service as a string",
            service("init", "{cmd: run, post_start_service: \"yes\"}"),
            "roles[0].services.init.post_start_service",
            "must be true or false, was a string"),
        yaml(
            "env value as a mapping",
            """
            name: zk
            version: "1"
            env: {opts: {heap: 1g}}
            roles:
              - role: zk
            """,
            "env.opts",
            "must be a string, was a mapping"),
        yaml(
            "env value null",
            """
            name: zk
            version: "1"
            env: {heap: ~}
            roles:
              - role: zk
            """,
            "env.heap",
            "must not be null; use \"\" for an empty value"),
        yaml(
            "env value left empty (YAML null)",
            """
            name: zk
            version: "1"
            env:
              heap:
            roles:
              - role: zk
            """,
            "env.heap",
            "must not be null; use \"\" for an empty value"),
        yaml(
            "cmd left empty (YAML null)",
            role("services:\n  start:\n    cmd:\n    order: 1"),
            "roles[0].services.start.cmd",
            "is required"),
        yaml(
            "document is a list",
            "[name, version, roles]\n",
            "$",
            "must be an app spec with name, version and roles, was a list"),
        yaml(
            "document is a plain string",
            "zookeeper 3.8\n",
            "$",
            "must be an app spec with name, version and roles, was a string"),

        // ---- syntax
        yaml(
            "malformed YAML: unclosed flow sequence",
            """
            name: [zk
            version: "1"
            """,
            "$",
            "malformed YAML: while parsing a flow sequence (started at line 1, column"
                + " 7): expected ',' or ']', but got :"),
        yaml(
            "malformed YAML: tab indentation",
            "name: zk\n\tversion: \"1\"\n",
            "$",
            "malformed YAML: while scanning for the next token: found character '\\t(TAB)'"
                + " that cannot start any token. (Do not use \\t(TAB) for indentation)"),
        json(
            "malformed JSON: truncated",
            "{\"name\": \"zk\",",
            "$",
            "malformed JSON: Unexpected end-of-input within/between Object entries"),
        json(
            "malformed JSON: single quotes",
            "{'name': 'zk'}",
            "$",
            "malformed JSON: Unexpected character (''' (code 39)): was expecting"
                + " double-quote to start field name"),
        json(
            "JSON nested too deep",
            "[".repeat(100),
            "$",
            "malformed JSON: Document nesting depth (33) exceeds the maximum allowed (32,"
                + " from `StreamReadConstraints.getMaxNestingDepth()`)"),
        yaml("empty YAML", "", "$", EMPTY),
        json("empty JSON", "", "$", EMPTY),
        yaml("whitespace and comments only", "  \n# nothing but a comment\n\n   \n", "$", EMPTY),
        yaml(
            "duplicate key",
            """
            name: zk
            name: zk2
            version: "1"
            roles:
              - role: zk
            """,
            "name",
            "duplicate key 'name' (first at line 1); keep only one"),
        json(
            "duplicate key in a role",
            """
            {"name": "zk", "version": "1",
             "roles": [{"role": "zk", "count": 1, "count": 2}]}
            """,
            "roles[0].count",
            "duplicate key 'count' (first at line 2); keep only one"),
        yaml(
            "two YAML documents",
            HEAD + "---\nname: other\n",
            "$",
            "the file holds more than one YAML document; put one app spec per file"),
        json(
            "content after the JSON document",
            """
            {"name": "zk", "version": "1", "roles": [{"role": "zk"}]}
            {"name": "other"}
            """,
            "$",
            "unexpected content after the end of the JSON document"),
        yaml(
            "YAML alias",
            """
            name: &app zk
            version: "1"
            roles:
              - role: *app
            """,
            "roles[0].role",
            "YAML aliases (*app) are not supported; write the value out"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidDocuments")
  void invalidDocument_isRefusedWithExactPathAndReason(Case c) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(c.content(), c.format()));

    assertThat(e).as("parsing must fail").isNotNull();
    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(tuple(c.path(), c.reason()));
  }

  @Test
  void suiteCoversAtLeastThirtyFiveDistinctMistakes() {
    assertThat(invalidDocuments().map(Case::description).distinct().count())
        .isGreaterThanOrEqualTo(35);
  }

  // ---- several problems at once

  @Test
  void threeDistinctMistakes_areAllReportedInOneException() {
    String content =
        """
        name: zk
        version: "1"
        roles:
          - role: zk
            count: 12
            max_nodes: 9
            memroy: 4096
            services:
              start: {cmd: "  "}
        """;

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(content, SpecFormat.YAML));

    assertThat(e.problems()).hasSize(3);
    assertThat(e.problems())
        .extracting(ValidationProblem::path)
        .containsExactly("roles[0].count", "roles[0].memroy", "roles[0].services.start.cmd");
    assertThat(e.getMessage()).startsWith("3 problems in YAML app spec:\n");
  }

  @Test
  void missingRoleName_isReportedOnceNotAgainBySemanticPass() {
    String content =
        """
        name: zk
        version: "1"
        roles:
          - count: 1
          - count: 2
        """;

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(content, SpecFormat.YAML));

    // two nameless roles: two "is required", and no "duplicate role" between them
    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(
            tuple("roles[0].role", "is required"), tuple("roles[1].role", "is required"));
  }

  @Test
  void structuralProblem_hidesOnlyTheSemanticProblemsUnderItsOwnPath() {
    // cmd missing (structural) would also be blank (semantic); cpu 0 is a separate problem
    String content =
        service("start", "{order: 2}").replace("  - role: zk\n", "  - role: zk\n    cpu: 0\n");

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(content, SpecFormat.YAML));

    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(
            tuple("roles[0].cpu", "must be between 1 and 4096 cores, was 0"),
            tuple("roles[0].services.start.cmd", "is required"));
  }

  @Test
  void roleThatIsNotAMapping_doesNotShiftThePathsOfTheRolesAfterIt() {
    String content =
        """
        name: zk
        version: "1"
        roles:
          - zk
          - role: worker
            cpu: 0
        """;

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(content, SpecFormat.YAML));

    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason, ValidationProblem::line)
        .containsExactly(
            tuple("roles[0]", "must be a role with at least a 'role' name, was a string", 4),
            tuple("roles[1].cpu", "must be between 1 and 4096 cores, was 0", 6));
  }

  @Test
  void watchPathThatIsNotAString_doesNotShiftTheIndexesOfTheOthers() {
    String content = service("reload", "{cmd: run, watch: [1, hosts]}");

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(content, SpecFormat.YAML));

    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(
            tuple(
                "roles[0].services.reload.watch[0]",
                "must be a string, was a whole number; put it in quotes"),
            tuple(
                "roles[0].services.reload.watch[1]",
                "must be an absolute metadata path such as /hosts, was 'hosts'"));
  }

  @Test
  void problems_areSortedInDocumentOrder() {
    String content =
        """
        name: zk
        version: "1"
        roles:
          - role: zk
            services:
              start: {cmd: run, order: -1}
          - role: zk
            cpu: 0
        """;

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(content, SpecFormat.YAML));

    assertThat(e.problems()).extracting(ValidationProblem::line).containsExactly(6, 7, 8);
    assertThat(e.problems())
        .extracting(ValidationProblem::path)
        .containsExactly("roles[0].services.start.order", "roles[1].role", "roles[1].cpu");
  }

  // ---- files: locations, encodings, sizes

  @Test
  void fileProblems_carryLineAndColumnOfTheOffendingKeyOrValue(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("zk.yaml");
    Files.writeString(
        file,
        """
        name: zk
        version: "1"
        roles:
          - role: zk
            count: 30
            max_nodes: 9
            memroy: 4096
            services:
              start: {cmd: run, timeout: 0}
        """);

    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> AppSpecFiles.read(file));

    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::line, ValidationProblem::column)
        .containsExactly(
            tuple("roles[0].count", 5, 12),
            tuple("roles[0].memroy", 7, 5),
            tuple("roles[0].services.start.timeout", 9, 34));
    assertThat(e.getMessage())
        .startsWith("3 problems in spec file " + file + ":\n")
        .contains("roles[0].memroy: unknown key; did you mean 'memory'?")
        .contains("(line 7, column 5)");
  }

  @Test
  void yamlSyntaxError_isLocatedWhereTheProblemIsNotAtTheLastGoodToken(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "name: zk\nversion: \"3.8\\q\"\n");

    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> AppSpecFiles.read(file));

    assertThat(e.problems())
        .extracting(
            ValidationProblem::path,
            ValidationProblem::reason,
            ValidationProblem::line,
            ValidationProblem::column)
        .containsExactly(
            tuple(
                "$",
                "malformed YAML: while scanning a double-quoted scalar"
                    + " (started at line 2, column 10): found unknown escape character q(113)",
                2,
                15));
  }

  @Test
  void jsonSyntaxError_isLocated(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\n  \"name\": \"zk\"\n  \"version\": \"1\"\n}\n");

    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> AppSpecFiles.read(file));

    assertThat(e.problems())
        .extracting(ValidationProblem::reason, ValidationProblem::line, ValidationProblem::column)
        .containsExactly(
            tuple(
                "malformed JSON: Unexpected character ('\"' (code 34)): was"
                    + " expecting comma to separate Object entries",
                3,
                3));
  }

  @Test
  void duplicateKeyInFile_pointsAtTheSecondOccurrence(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("dup.yaml");
    Files.writeString(file, HEAD + "    count: 1\n    cpu: 2\n    count: 3\n");

    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> AppSpecFiles.read(file));

    assertThat(e.problems())
        .extracting(
            ValidationProblem::path,
            ValidationProblem::reason,
            ValidationProblem::line,
            ValidationProblem::column)
        .containsExactly(
            tuple(
                "roles[0].count", "duplicate key 'count' (first at line 5); keep only one", 7, 5));
  }

  @Test
  void nonUtf8File_isRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, (HEAD + "env: {city: Zürich}\n").getBytes(StandardCharsets.ISO_8859_1));

    assertSingleRootProblem(file, "the file is not UTF-8 text; save it as UTF-8");
  }

  @Test
  void utf16File_isRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("utf16.yaml");
    Files.write(file, HEAD.getBytes(StandardCharsets.UTF_16));

    assertSingleRootProblem(file, "the file is not UTF-8 text; save it as UTF-8");
  }

  @Test
  void missingFile_isRefused(@TempDir Path dir) {
    assertSingleRootProblem(dir.resolve("nope.yaml"), "no such file; check the path");
  }

  @Test
  void directoryInsteadOfFile_isRefusedAsUnreadable(@TempDir Path dir) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> AppSpecFiles.read(dir));

    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.path()).isEqualTo("$");
              assertThat(p.reason()).startsWith("cannot read the file: ");
            });
  }

  @Test
  void emptyFile_isRefused(@TempDir Path dir) throws IOException {
    Path file = Files.createFile(dir.resolve("empty.json"));

    assertSingleRootProblem(file, EMPTY);
  }

  @Test
  void yamlContentInAJsonFile_isReadAsJsonAndRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("zk.json");
    Files.writeString(file, HEAD);

    assertSingleRootProblem(
        file,
        "malformed JSON: Unrecognized token 'name': was expecting"
            + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
  }

  @Test
  void tenMegabyteFile_isRefusedWithTheSizeErrorBeforeItIsRead(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("huge.yaml");
    String line = "# " + "x".repeat(61) + "\n"; // 64 bytes
    try (Writer w = Files.newBufferedWriter(file)) {
      w.write(HEAD);
      for (long written = HEAD.length();
          written + line.length() <= 10L << 20;
          written += line.length()) {
        w.write(line);
      }
    }
    long size = Files.size(file);
    assertThat(size).isGreaterThan((10L << 20) - 64).isLessThanOrEqualTo(10L << 20);

    assertSingleRootProblem(
        file,
        "the file is "
            + size
            + " bytes, over the limit of 1048576"
            + " bytes; an app spec is a few KiB — check that this is the right file");
  }

  @Test
  void fileUnderACallerChosenLimit_isReadEvenWhenOverTheDefault(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("padded.yaml");
    Files.writeString(file, HEAD + ("#" + "x".repeat(1023) + "\n").repeat(2048));
    assertThat(Files.size(file)).isGreaterThan(AppSpecFiles.DEFAULT_MAX_BYTES);

    AppSpec spec = AppSpecFiles.read(file, 4L << 20);

    assertThat(spec.name()).isEqualTo("zk");
    assertSingleRootProblem(
        file,
        "the file is "
            + Files.size(file)
            + " bytes, over the limit"
            + " of 1048576 bytes; an app spec is a few KiB — check that this is the right file");
  }

  @Test
  void oversizedString_isRefusedByParse() {
    String content = HEAD + "#".repeat(1 << 20);

    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> AppSpecFiles.parse(content, SpecFormat.YAML));

    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(
            tuple(
                "$",
                "the document is "
                    + content.length()
                    + " characters, over"
                    + " the limit of 1048576 characters; an app spec is a few KiB"));
  }

  @Test
  void utf8FileWithByteOrderMark_isRead(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("zk.json");
    Files.writeString(
        json, "\uFEFF{\"name\": \"zk\", \"version\": \"1\", \"roles\": [{\"role\":" + " \"zk\"}]}");
    Path yaml = dir.resolve("zk.yaml");
    Files.writeString(yaml, "\uFEFF" + HEAD);

    assertThat(AppSpecFiles.read(json)).isEqualTo(AppSpecFiles.read(yaml));
    assertThat(AppSpecFiles.read(json).role("zk")).isPresent();
  }

  private static void assertSingleRootProblem(Path file, String reason) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> AppSpecFiles.read(file));

    assertThat(e).as("reading %s must fail", file).isNotNull();
    assertThat(e.problems())
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(tuple(ValidationProblem.ROOT, reason));
    assertThat(e.getMessage()).startsWith("1 problem in spec file " + file + ":\n  $: ");
  }
}
