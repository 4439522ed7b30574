package io.clusterlifecycle.spring.boot;

import io.clusterlifecycle.api.spec.AppSpec;

/** The app specs the starter's tests create clusters of: local commands only. */
final class TestSpecs {
  private TestSpecs() {}

  /** Two nodes whose services succeed at once. */
  static AppSpec quick() {
    return AppSpec.builder("echo", "1.0")
        .role("app", r -> r.count(2).service("start", "true").service("stop", "true"))
        .build();
  }

  /** One node whose start takes the given number of seconds. */
  static AppSpec slowStart(int seconds) {
    return AppSpec.builder("slow", "1.0")
        .role("app", r -> r.count(1).service("start", "sleep " + seconds).service("stop", "true"))
        .build();
  }
}
