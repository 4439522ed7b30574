package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the command-line tool in-process on one home, asserting exit codes. */
record HomeCli(Path home) {

  /** Runs {@code lifecycle --home HOME args...}. */
  LifecycleCliTest.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString()));
    all.addAll(List.of(args));
    return LifecycleCliTest.run(all.toArray(String[]::new));
  }

  /** Runs a command that must succeed and returns its output. */
  String ok(String... args) {
    LifecycleCliTest.Result r = run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isZero();
    return r.out();
  }

  /** Runs a command that must exit with {@code expected}; returns its stderr. */
  String exits(int expected, String... args) {
    LifecycleCliTest.Result r = run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(expected);
    return r.err();
  }
}
