package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spec.VolumeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A valid spec written in either format and read back is equal to the original; a spec with one
 * mistake is refused at that mistake's path, whether validated in memory or read from a file.
 */
class SpecRoundTripTest {

  /** Surefire runs with the module directory as working directory. */
  private static final Path SAMPLES = Path.of("../samples/specs");

  // ---- the shipped samples

  static Stream<Path> sampleFiles() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.sorted().toList().stream();
    }
  }

  @Test
  void samplesDirectory_holdsTheThreeSampleSpecs() throws IOException {
    assertThat(sampleFiles())
        .extracting(p -> p.getFileName().toString())
        .contains("hadoop.yaml", "kafka.json", "zookeeper.yaml");
  }

  @ParameterizedTest
  @MethodSource("sampleFiles")
  void sampleFile_isValidAndSurvivesWritingInBothFormats(Path file, @TempDir Path dir) {
    AppSpec spec = AppSpecFiles.read(file);

    assertThat(spec.validate()).isEmpty();
    for (SpecFormat format : SpecFormat.values()) {
      String text = AppSpecFiles.write(spec, format);
      assertThat(AppSpecFiles.parse(text, format))
          .as("%s as %s:%n%s", file, format, text)
          .isEqualTo(spec);
      Path copy = dir.resolve("copy." + format.name().toLowerCase(java.util.Locale.ROOT));
      AppSpecFiles.write(spec, copy);
      assertThat(AppSpecFiles.read(copy)).isEqualTo(spec);
    }
  }

  @Test
  void zookeeperSample_readsTheSettingsItDeclares() {
    AppSpec zk = AppSpecFiles.read(SAMPLES.resolve("zookeeper.yaml"));

    RoleSpec role = zk.role("zk").orElseThrow();
    assertThat(zk.version()).isEqualTo("3.8.4");
    assertThat(zk.env()).containsEntry("tick_time", "2000").containsEntry("client_port", "2181");
    assertThat(role.count()).isEqualTo(3);
    assertThat(role.maxNodes()).isEqualTo(9);
    assertThat(role.volume()).contains(new VolumeSpec(20, "/data"));
    assertThat(role.upgradingPolicy()).isEqualTo(ExecutionPolicy.SEQUENTIAL);
    assertThat(role.service(StandardService.START).orElseThrow().timeout())
        .isEqualTo(Duration.ofSeconds(120));
    assertThat(role.service(StandardService.RELOAD).orElseThrow().watch())
        .containsExactly("/hosts", "/env");
    assertThat(role.service(StandardService.SCALE_IN).orElseThrow().preCheck())
        .contains("test -f zk.state");
  }

  @Test
  void hadoopAndKafkaSamples_readTheirServiceFlags() {
    AppSpec hadoop = AppSpecFiles.read(SAMPLES.resolve("hadoop.yaml"));
    AppSpec kafka = AppSpecFiles.read(SAMPLES.resolve("kafka.json"));

    assertThat(hadoop.roles())
        .extracting(RoleSpec::name)
        .containsExactly("master", "worker", "client");
    assertThat(
            hadoop
                .role("worker")
                .orElseThrow()
                .service(StandardService.INIT)
                .orElseThrow()
                .postStartService())
        .isTrue();
    assertThat(hadoop.role("client").orElseThrow().minNodes()).isZero();
    assertThat(hadoop.role("client").orElseThrow().service("smoke-test")).isPresent();
    RoleSpec broker = kafka.role("broker").orElseThrow();
    assertThat(broker.service(StandardService.DESTROY).orElseThrow().postStopService()).isTrue();
    assertThat(broker.service(StandardService.UPGRADE).orElseThrow().postStartService()).isTrue();
    assertThat(broker.volume()).contains(new VolumeSpec(200, "/var/lib/kafka"));
  }

  @Test
  void emptyYamlValue_readsAsAbsent() {
    AppSpec spec =
        AppSpecFiles.parse(
            """
        name: zk
        version: "1"
        roles:
          - role: zk
            image:
            max_nodes:
            services:
              start: {cmd: run, order: }
        """,
            SpecFormat.YAML);

    RoleSpec role = spec.roles().get(0);
    assertThat(role.image()).isEmpty();
    assertThat(role.maxNodes()).isEqualTo(RoleSpec.UNBOUNDED);
    assertThat(role.service("start").orElseThrow().order()).isEqualTo(ServiceSpec.DEFAULT_ORDER);
  }

  @ParameterizedTest
  @EnumSource(SpecFormat.class)
  void writer_leavesDefaultsOut(SpecFormat format) {
    AppSpec spec = AppSpec.builder("zk", "1").role("zk", r -> r.service("start", "run")).build();

    String text = AppSpecFiles.write(spec, format);

    assertThat(text)
        .doesNotContain(
            "min_nodes",
            "max_nodes",
            "order",
            "timeout",
            "image",
            "volume",
            "policy",
            "env",
            "nodes_to_execute_on")
        .endsWith("\n");
  }

  @Test
  void jsonOutput_isAlsoReadableAsYaml() {
    AppSpec spec = AppSpecFiles.read(SAMPLES.resolve("hadoop.yaml"));

    assertThat(AppSpecFiles.parse(AppSpecFiles.write(spec, SpecFormat.JSON), SpecFormat.YAML))
        .isEqualTo(spec);
  }

  // ---- property: random valid specs round-trip

  @Property(tries = 300)
  void randomValidSpec_validatesCleanAndSurvivesBothFormats(@ForAll("validSpecs") AppSpec spec) {
    assertThat(spec.validate()).isEmpty();
    for (SpecFormat format : SpecFormat.values()) {
      String text = AppSpecFiles.write(spec, format);
      assertThat(parseOrReport(text, format)).as("%s:%n%s", format, text).isEqualTo(spec);
    }
  }

  // ---- property: one mistake is found at its path, in memory and in a file

  @Property(tries = 300)
  void singleMistake_isReportedAtItsPathInMemoryAndFromFile(
      @ForAll("validSpecs") AppSpec valid,
      @ForAll Mutation mutation,
      @ForAll @IntRange(min = 0, max = 10_000) int pick) {
    Mutated m = mutation.apply(valid, pick);

    assertThat(m.spec().validate())
        .extracting(ValidationProblem::path)
        .as("%s on the model", mutation)
        .contains(m.path());
    for (SpecFormat format : SpecFormat.values()) {
      String text = AppSpecFiles.write(m.spec(), format);
      ValidationException e =
          catchThrowableOfType(ValidationException.class, () -> AppSpecFiles.parse(text, format));
      assertThat(e).as("%s written as %s must be refused:%n%s", mutation, format, text).isNotNull();
      assertThat(e.problems())
          .as("%s written as %s:%n%s", mutation, format, text)
          .filteredOn(p -> p.path().equals(m.path()))
          .isNotEmpty()
          .allMatch(p -> p.line() > 0 && p.column() > 0);
    }
  }

  private static AppSpec parseOrReport(String text, SpecFormat format) {
    try {
      return AppSpecFiles.parse(text, format);
    } catch (ValidationException e) {
      throw new AssertionError(e.getMessage() + "\nin:\n" + text, e);
    }
  }

  /** A mutated spec and the path its one mistake must be reported at. */
  record Mutated(AppSpec spec, String path) {}

  /** Mistakes that make a valid spec invalid, each knowing the path it breaks. */
  enum Mutation {
    COUNT_ABOVE_MAX {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        RoleSpec r = spec.roles().get(i);
        int count = r.maxNodes() == RoleSpec.UNBOUNDED ? RoleSpec.MAX_COUNT + 1 : r.maxNodes() + 1;
        return role(spec, i, r.toBuilder().count(count).build(), "count");
      }
    },
    MIN_ABOVE_MAX {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        int min = 2 + pick % 50;
        RoleSpec r = spec.roles().get(i).toBuilder().minNodes(min).maxNodes(min - 1).build();
        return role(spec, i, r, "min_nodes");
      }
    },
    NEGATIVE_MIN_NODES {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        return role(
            spec, i, spec.roles().get(i).toBuilder().minNodes(-1 - pick).build(), "min_nodes");
      }
    },
    ZERO_MAX_NODES {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        return role(spec, i, spec.roles().get(i).toBuilder().maxNodes(0).build(), "max_nodes");
      }
    },
    ZERO_CPU {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        return role(spec, i, spec.roles().get(i).toBuilder().cpu(0).build(), "cpu");
      }
    },
    CPU_OVER_MAX {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        return role(
            spec,
            i,
            spec.roles().get(i).toBuilder().cpu(RoleSpec.MAX_CPU + 1 + pick).build(),
            "cpu");
      }
    },
    NON_POSITIVE_MEMORY {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        return role(spec, i, spec.roles().get(i).toBuilder().memory(-(pick % 3)).build(), "memory");
      }
    },
    BLANK_IMAGE {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        String blank = List.of("", " ", "\t", " \n ").get(pick % 4);
        return role(spec, i, spec.roles().get(i).toBuilder().image(blank).build(), "image");
      }
    },
    ZERO_VOLUME_SIZE {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        RoleSpec r = spec.roles().get(i);
        VolumeSpec v = r.volume().orElse(VolumeSpec.of(10)).withSize(0);
        return role(spec, i, r.toBuilder().volume(v).build(), "volume.size");
      }
    },
    RELATIVE_MOUNT_POINT {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        String mount = List.of("data", "", " /data", "~/data").get(pick % 4);
        return role(
            spec,
            i,
            spec.roles().get(i).toBuilder().volume(5, mount).build(),
            "volume.mount_point");
      }
    },
    BAD_ROLE_NAME {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        String name =
            List.of("Upper", "under_score", "9lives", "-dash", "a".repeat(41)).get(pick % 5);
        return role(spec, i, rename(spec.roles().get(i), name), "role");
      }
    },
    DUPLICATE_ROLE_NAME {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        List<RoleSpec> roles = new ArrayList<>(spec.roles());
        if (roles.size() == 1) {
          roles.add(roles.get(0));
          return new Mutated(
              new AppSpec(spec.name(), spec.version(), spec.env(), roles, spec.secrets()),
              "roles[1].role");
        }
        int j = 1 + pick % (roles.size() - 1);
        roles.set(j, rename(roles.get(j), roles.get(pick % j).name()));
        return new Mutated(
            new AppSpec(spec.name(), spec.version(), spec.env(), roles, spec.secrets()),
            "roles[" + j + "].role");
      }
    },
    NO_ROLES {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        return new Mutated(
            new AppSpec(spec.name(), spec.version(), spec.env(), List.of(), spec.secrets()),
            "roles");
      }
    },
    BLANK_APP_NAME {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        return new Mutated(
            new AppSpec(
                pick % 2 == 0 ? "" : "  ",
                spec.version(),
                spec.env(),
                spec.roles(),
                spec.secrets()),
            "name");
      }
    },
    BAD_VERSION {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String version = List.of("1 0", "-1", "v1/2", "").get(pick % 4);
        return new Mutated(
            new AppSpec(spec.name(), version, spec.env(), spec.roles(), spec.secrets()), "version");
      }
    },
    BAD_ENV_KEY {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String key = List.of("9lives", "with space", "-dash", "a/b").get(pick % 4);
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        env.put(key, "x");
        return new Mutated(
            new AppSpec(spec.name(), spec.version(), env, spec.roles(), spec.secrets()),
            "env." + key);
      }
    },
    BAD_SECRET_REFERENCE {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String reference = List.of("hunter2", "env:", "file:relative", "Env:X").get(pick % 4);
        Map<String, String> secrets = new LinkedHashMap<>(spec.secrets());
        secrets.put("ZZ_SECRET", reference);
        return new Mutated(
            new AppSpec(spec.name(), spec.version(), spec.env(), spec.roles(), secrets),
            "secrets.ZZ_SECRET");
      }
    },
    NEGATIVE_ORDER {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        return service(spec, pick, anyService(spec, pick), s -> s.order(-1 - pick), "order");
      }
    },
    BLANK_CMD {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String blank = List.of("", " ", "\n", " \t\n ").get(pick % 4);
        return service(spec, pick, anyService(spec, pick), s -> s.cmd(blank), "cmd");
      }
    },
    ZERO_TIMEOUT {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        return service(
            spec, pick, anyService(spec, pick), s -> s.timeout(Duration.ZERO), "timeout");
      }
    },
    TIMEOUT_OVER_A_DAY {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        return service(
            spec,
            pick,
            anyService(spec, pick),
            s -> s.timeout(Duration.ofSeconds(86_401L + pick)),
            "timeout");
      }
    },
    ZERO_NODES_TO_EXECUTE_ON {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        return service(
            spec,
            pick,
            anyService(spec, pick),
            s -> s.nodesToExecuteOn(-(pick % 2)),
            "nodes_to_execute_on");
      }
    },
    POST_START_ON_OTHER_SERVICE {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String name =
            List.of("start", "stop", "destroy", "scale_in", "reload", "backup", "my-hook")
                .get(pick % 7);
        return service(spec, pick, name, s -> s.postStartService(true), "post_start_service");
      }
    },
    POST_STOP_ON_OTHER_SERVICE {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String name = List.of("init", "start", "stop", "upgrade", "my-hook").get(pick % 5);
        return service(spec, pick, name, s -> s.postStopService(true), "post_stop_service");
      }
    },
    PRE_CHECK_ON_OTHER_SERVICE {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String name = List.of("init", "start", "stop", "reload", "my-hook").get(pick % 5);
        return service(spec, pick, name, s -> s.preCheck("test -f ok"), "pre_check");
      }
    },
    BLANK_PRE_CHECK {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String name = List.of("scale_out", "scale_in").get(pick % 2);
        return service(spec, pick, name, s -> s.preCheck(pick % 2 == 0 ? "" : " \n"), "pre_check");
      }
    },
    WATCH_ON_OTHER_SERVICE {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String name = List.of("init", "start", "stop", "my-hook").get(pick % 4);
        return service(spec, pick, name, s -> s.addWatch("/hosts"), "watch");
      }
    },
    RELATIVE_WATCH_PATH {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        int i = pick % spec.roles().size();
        ServiceSpec reload =
            spec.roles().get(i).service(StandardService.RELOAD).orElse(ServiceSpec.of("reload.sh"));
        int index = reload.watch().size();
        return service(spec, pick, "reload", s -> s.addWatch("hosts"), "watch[" + index + "]");
      }
    },
    BAD_SERVICE_NAME {
      @Override
      Mutated apply(AppSpec spec, int pick) {
        String name = List.of("Start", "my hook", "9th", "_x").get(pick % 4);
        int i = pick % spec.roles().size();
        RoleSpec r = spec.roles().get(i).toBuilder().service(name, "run.sh").build();
        return new Mutated(withRole(spec, i, r), "roles[" + i + "].services." + name);
      }
    };

    abstract Mutated apply(AppSpec spec, int pick);

    private static Mutated role(AppSpec spec, int i, RoleSpec role, String field) {
      return new Mutated(withRole(spec, i, role), "roles[" + i + "]." + field);
    }

    /** Changes (or adds, with a harmless command) service {@code name} of role pick % n. */
    private static Mutated service(
        AppSpec spec,
        int pick,
        String name,
        java.util.function.UnaryOperator<ServiceSpec.Builder> change,
        String field) {
      int i = pick % spec.roles().size();
      RoleSpec r = spec.roles().get(i);
      ServiceSpec s =
          change.apply(r.service(name).orElse(ServiceSpec.of("run.sh")).toBuilder()).build();
      return new Mutated(
          withRole(spec, i, r.toBuilder().service(name, s).build()),
          "roles[" + i + "].services." + name + "." + field);
    }

    /** One of the services the role at pick % n already has, or start when it has none. */
    private static String anyService(AppSpec spec, int pick) {
      List<String> names =
          List.copyOf(spec.roles().get(pick % spec.roles().size()).services().keySet());
      return names.isEmpty() ? "start" : names.get(pick % names.size());
    }

    private static AppSpec withRole(AppSpec spec, int i, RoleSpec role) {
      List<RoleSpec> roles = new ArrayList<>(spec.roles());
      roles.set(i, role);
      return new AppSpec(spec.name(), spec.version(), spec.env(), roles, spec.secrets());
    }

    private static RoleSpec rename(RoleSpec r, String name) {
      return new RoleSpec(
          name,
          r.count(),
          r.minNodes(),
          r.maxNodes(),
          r.cpu(),
          r.memory(),
          r.image(),
          r.volume(),
          r.advancedActions(),
          r.verticalScalingPolicy(),
          r.upgradingPolicy(),
          r.services());
    }
  }

  // ---- generators of valid specs

  /**
   * Strings that YAML would read as something else, or that need quoting or escaping, including the
   * Unicode line breaks NEL, LS and PS. Not here: unpaired surrogates, which no UTF-8 file can
   * hold.
   */
  private static final List<String> TRICKY =
      List.of(
          "",
          "true",
          "false",
          "True",
          "FALSE",
          "null",
          "Null",
          "NULL",
          "~",
          "yes",
          "no",
          "Yes",
          "NO",
          "on",
          "off",
          "On",
          "y",
          "n",
          "Y",
          "N",
          "3.8",
          "3.8.4",
          "10",
          "-1",
          "+1",
          "007",
          "0x1F",
          "0o17",
          "0b101",
          "1_000",
          "1e5",
          "1.5e+3",
          ".5",
          "1.",
          ".inf",
          "-.Inf",
          ".nan",
          "2001-12-14",
          "2001-12-14t21:59:43.10-05:00",
          "12:30:45",
          "1:20",
          "'quoted'",
          "\"double\"",
          "it's",
          "say \"hi\"",
          "a: b",
          "key:",
          ":",
          "- item",
          "-",
          "[x]",
          "{x: y}",
          "# not a comment",
          "a #b",
          "x#y",
          "&anchor",
          "*alias",
          "!tag",
          "!!str x",
          "%directive",
          "@at",
          "`tick`",
          "|",
          ">",
          "?",
          "? x",
          "<<",
          ",",
          " leading",
          "trailing ",
          "  both  ",
          "line1\nline2",
          "\n",
          "ends with newline\n",
          "\n\nblank lines before",
          "\ttab",
          "crlf\r\nline",
          "tail tab\t",
          "ünïcödé",
          "中文字符",
          "emoji 😀 🚀",
          "back\\slash",
          "$HOME",
          "${VAR:-default}",
          "a,b",
          "---",
          "...",
          "--- x",
          "=",
          "\\n literally",
          "$:\u2028x",
          "next\u0085line",
          "para\u2029graph",
          "\u2028",
          "multi\nline\u2028too");

  private static final List<String> SCRIPTS =
      List.of(
          "set -e\nif [ -f \"$LC_METADATA\" ]; then\n  echo \"ready: $LC_NODE_ID\"\nfi\n",
          "echo 'single' \"double\" `date` $((1 + 2))",
          "cp \"$LC_METADATA\" state.json # keep a copy",
          "  indented first line\n    deeper\n",
          "python3 -c 'print(\"a: b\")'",
          "awk -F: '{print $1}' /etc/passwd | head -n 1",
          "exit 0",
          "echo \\\n  continued",
          "printf '%s\\n' \"$@\"",
          "true");

  private static Arbitrary<String> anyText() {
    return Arbitraries.oneOf(
        Arbitraries.of(TRICKY),
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars(
                '\n', '\r', '\t', 'é', 'ß', '中', '€', '\u00a0', '\u200b', 'Ω', '\u2028', '\u0085')
            .ofMaxLength(40));
  }

  private static Arbitrary<String> nonBlankText() {
    return Arbitraries.oneOf(anyText(), Arbitraries.of(SCRIPTS)).filter(s -> !s.isBlank());
  }

  /** Matches {@code [A-Za-z0-9][A-Za-z0-9._-]{0,63}} (app name) or with '+' (version). */
  private static Arbitrary<String> appName(boolean version) {
    Arbitrary<String> random =
        Combinators.combine(
                Arbitraries.chars().alpha().numeric(),
                Arbitraries.strings()
                    .alpha()
                    .numeric()
                    .withChars(version ? "._-+" : "._-")
                    .ofMaxLength(20))
            .as((c, s) -> c + s);
    List<String> tricky =
        new ArrayList<>(
            List.of(
                "zookeeper",
                "true",
                "null",
                "NULL",
                "yes",
                "Y",
                "n",
                "10",
                "007",
                "3.8",
                "1.0",
                "0x1F",
                "0o17",
                "0b101",
                "1_000",
                "1e5",
                "2001-12-14",
                "y",
                "off"));
    if (version) {
      tricky.addAll(List.of("1.5e+3", "3.8.4+build.1", "1.0-rc.1"));
    }
    return Arbitraries.oneOf(Arbitraries.of(tricky), random);
  }

  /** Matches {@code [a-z][a-z0-9-]{0,39}}. */
  private static Arbitrary<String> roleName() {
    Arbitrary<String> random =
        Combinators.combine(
                Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .numeric()
                    .withChars('-')
                    .ofMaxLength(39))
            .as((c, s) -> c + s);
    return Arbitraries.oneOf(
        Arbitraries.of(
            "null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "nan", "e1", "x-"),
        random);
  }

  /** Matches {@code [a-z][a-z0-9_-]{0,39}} and is not a standard service name. */
  private static Arbitrary<String> customServiceName() {
    Arbitrary<String> random =
        Combinators.combine(
                Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings()
                    .withCharRange('a', 'z')
                    .numeric()
                    .withChars("_-")
                    .ofMaxLength(20))
            .as((c, s) -> c + s);
    return Arbitraries.oneOf(
            Arbitraries.of("y", "n", "on", "no", "yes", "true", "null", "smoke-test", "my_hook"),
            random)
        .filter(n -> StandardService.fromServiceName(n).isEmpty());
  }

  /** Matches {@code [A-Za-z_][A-Za-z0-9_.-]{0,127}}. */
  private static Arbitrary<String> envKey() {
    Arbitrary<String> random =
        Combinators.combine(
                Arbitraries.chars().alpha().with('_'),
                Arbitraries.strings().alpha().numeric().withChars("_.-").ofMaxLength(20))
            .as((c, s) -> c + s);
    return Arbitraries.oneOf(
            Arbitraries.of("true", "null", "yes", "on", "y", "n", "Y", "_", "a.b", "e", "NULL"),
            random)
        // a secret-looking key with a value is invalid (docs/design.md §2)
        .filter(k -> !AppSpec.looksLikeSecret(k));
  }

  /** Secret names mapped to well-formed references of every built-in scheme and a custom one. */
  private static Arbitrary<Map<String, String>> secrets() {
    Arbitrary<String> name =
        Combinators.combine(
                Arbitraries.chars().range('A', 'Z').with('_'),
                Arbitraries.strings().alpha().numeric().withChars('_').ofMaxLength(12))
            .as((c, rest) -> c + rest)
            .filter(n -> !n.toUpperCase(java.util.Locale.ROOT).startsWith("LC_"));
    Arbitrary<String> reference =
        Arbitraries.oneOf(
            Arbitraries.of(
                "env:DB_PASSWORD",
                "file:/run/secrets/db",
                "file:/etc/app secrets/ключ",
                "host:db-password",
                "host:tenant/42:db",
                "vault:kv/shop#password",
                "env:_"),
            Arbitraries.strings()
                .alpha()
                .numeric()
                .ofMinLength(1)
                .ofMaxLength(10)
                .map(n -> "host:" + n));
    return Arbitraries.maps(name, reference).ofMaxSize(4);
  }

  /**
   * The spec with secrets declared and listed by some of its services: every other service of a
   * role, starting with the first, lists the secrets whose index has the service's parity.
   */
  private static AppSpec withSecrets(AppSpec spec, Map<String, String> declared) {
    Map<String, String> secrets = new LinkedHashMap<>(declared);
    secrets.keySet().removeAll(spec.env().keySet());
    List<String> names = List.copyOf(secrets.keySet());
    List<RoleSpec> roles = new ArrayList<>();
    for (RoleSpec role : spec.roles()) {
      RoleSpec.Builder b = role.toBuilder();
      int i = 0;
      for (Map.Entry<String, ServiceSpec> e : role.services().entrySet()) {
        int parity = i++ % 2;
        List<String> listed = new ArrayList<>();
        for (int j = parity; j < names.size(); j += 2) {
          listed.add(names.get(j));
        }
        b.service(e.getKey(), e.getValue().toBuilder().secrets(listed).build());
      }
      roles.add(b.build());
    }
    return new AppSpec(spec.name(), spec.version(), spec.env(), roles, secrets);
  }

  /** Matches {@code (/[A-Za-z0-9_.-]+)+}. */
  private static Arbitrary<String> metadataPath() {
    return Arbitraries.strings()
        .alpha()
        .numeric()
        .withChars("_.-")
        .ofMinLength(1)
        .ofMaxLength(8)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(segments -> "/" + String.join("/", segments));
  }

  private static Arbitrary<String> mountPoint() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "/", "/data", "/var/lib/kafka", "/with space", "/a: b", "/#x", "/~", "/null"),
        anyText().map(s -> "/" + s));
  }

  private static Arbitrary<ServiceSpec> service(String name) {
    StandardService std = StandardService.fromServiceName(name).orElse(null);
    Arbitrary<Integer> order =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(ServiceSpec.DEFAULT_ORDER)),
            Tuple.of(3, Arbitraries.integers().between(0, 1000)),
            Tuple.of(1, Arbitraries.just(Integer.MAX_VALUE)));
    Arbitrary<Duration> timeout =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(ServiceSpec.DEFAULT_TIMEOUT)),
            Tuple.of(2, Arbitraries.integers().between(1, 86_400).map(Duration::ofSeconds)),
            Tuple.of(1, Arbitraries.of(Duration.ofSeconds(1), ServiceSpec.MAX_TIMEOUT)));
    Arbitrary<Integer> nodes =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(ServiceSpec.ALL_NODES)),
            Tuple.of(2, Arbitraries.integers().between(1, 1000)),
            Tuple.of(1, Arbitraries.just(ServiceSpec.ALL_NODES - 1)));
    Arbitrary<Boolean> postStart =
        std == StandardService.INIT || std == StandardService.UPGRADE
            ? Arbitraries.of(true, false)
            : Arbitraries.just(false);
    Arbitrary<Boolean> postStop =
        std == StandardService.DESTROY ? Arbitraries.of(true, false) : Arbitraries.just(false);
    Arbitrary<Optional<String>> preCheck =
        std == StandardService.SCALE_OUT || std == StandardService.SCALE_IN
            ? nonBlankText().optional()
            : Arbitraries.just(Optional.empty());
    Arbitrary<List<String>> watch =
        std == StandardService.RELOAD
            ? metadataPath().list().ofMaxSize(3)
            : Arbitraries.just(List.of());
    return Combinators.combine(
            nonBlankText(), order, timeout, nodes, postStart, postStop, preCheck, watch)
        .as(ServiceSpec::new);
  }

  private static Arbitrary<Map<String, ServiceSpec>> services() {
    List<String> standard =
        Arrays.stream(StandardService.values()).map(StandardService::serviceName).toList();
    Arbitrary<List<String>> names =
        Combinators.combine(Arbitraries.subsetOf(standard), customServiceName().set().ofMaxSize(3))
            .as(
                (std, custom) -> {
                  List<String> all = new ArrayList<>(std);
                  all.addAll(custom);
                  return all;
                })
            .flatMap(all -> Arbitraries.shuffle(all));
    return names.flatMap(
        list -> {
          if (list.isEmpty()) {
            return Arbitraries.just(Map.<String, ServiceSpec>of());
          }
          return Combinators.combine(list.stream().map(SpecRoundTripTest::service).toList())
              .as(
                  specs -> {
                    Map<String, ServiceSpec> map = new LinkedHashMap<>();
                    for (int k = 0; k < list.size(); k++) {
                      map.put(list.get(k), specs.get(k));
                    }
                    return map;
                  });
        });
  }

  /** {min, max, count} with min <= count <= max, max possibly unbounded. */
  private static Arbitrary<int[]> bounds() {
    return Arbitraries.integers()
        .between(0, 5)
        .flatMap(
            min ->
                Arbitraries.frequencyOf(
                        Tuple.of(2, Arbitraries.just(RoleSpec.UNBOUNDED)),
                        Tuple.of(
                            4,
                            Arbitraries.integers()
                                .between(Math.max(1, min), Math.max(1, min) + 30)),
                        Tuple.of(1, Arbitraries.just(RoleSpec.MAX_COUNT)))
                    .flatMap(
                        max ->
                            Arbitraries.integers()
                                .between(min, max == RoleSpec.UNBOUNDED ? min + 20 : max)
                                .map(count -> new int[] {min, max, count})));
  }

  private static Arbitrary<RoleSpec> role() {
    Arbitrary<Optional<VolumeSpec>> volume =
        Combinators.combine(
                Arbitraries.integers().between(1, VolumeSpec.MAX_SIZE_GIB), mountPoint())
            .as(VolumeSpec::new)
            .optional();
    Arbitrary<List<ExecutionPolicy>> policies =
        Arbitraries.of(ExecutionPolicy.class).list().ofSize(2);
    Arbitrary<RoleSpec> base =
        Combinators.combine(
                roleName(),
                bounds(),
                Arbitraries.integers().between(1, RoleSpec.MAX_CPU),
                Arbitraries.integers().between(1, RoleSpec.MAX_MEMORY_MIB),
                nonBlankText().optional(),
                volume,
                Arbitraries.of(true, false),
                policies)
            .as(
                (name, b, cpu, memory, image, vol, scale, p) ->
                    new RoleSpec(
                        name,
                        b[2],
                        b[0],
                        b[1],
                        cpu,
                        memory,
                        image,
                        vol,
                        scale
                            ? EnumSet.of(AdvancedAction.SCALE_HORIZONTAL)
                            : EnumSet.noneOf(AdvancedAction.class),
                        p.get(0),
                        p.get(1),
                        Map.of()));
    return Combinators.combine(base, services())
        .as(
            (r, s) -> {
              RoleSpec.Builder b = r.toBuilder();
              s.forEach(b::service);
              return b.build();
            });
  }

  @Provide
  Arbitrary<AppSpec> validSpecs() {
    return Combinators.combine(
            appName(false),
            appName(true),
            Arbitraries.maps(envKey(), anyText()).ofMaxSize(6),
            role().list().ofMinSize(1).ofMaxSize(6).uniqueElements(RoleSpec::name),
            secrets())
        .as(
            (name, version, env, roles, secrets) ->
                withSecrets(new AppSpec(name, version, env, roles), secrets));
  }

  @Test
  void servicesAndEnv_keepDeclarationOrder_throughYaml() {
    AppSpec spec =
        AppSpec.builder("zk", "1")
            .env("zeta", "1")
            .env("alpha", "2")
            .env("mid", "3")
            .role(
                "zk",
                r ->
                    r.service("stop", "a")
                        .service("init", "b")
                        .service("my-custom", "c")
                        .service("start", "d")
                        .service("backup", "e"))
            .build();

    AppSpec back = AppSpecFiles.parse(AppSpecFiles.write(spec, SpecFormat.YAML), SpecFormat.YAML);
    assertThat(back.roles().get(0).services().keySet())
        .containsExactly("stop", "init", "my-custom", "start", "backup");
    assertThat(back.env().keySet()).containsExactly("zeta", "alpha", "mid");
  }

  @Test
  void format_followsTheFileName() {
    assertThat(SpecFormat.forFile(java.nio.file.Path.of("a/ZK.JSON"))).isEqualTo(SpecFormat.JSON);
    assertThat(SpecFormat.forFile(java.nio.file.Path.of("zk.yml"))).isEqualTo(SpecFormat.YAML);
  }
}
