package io.clusterlifecycle.api.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.error.ValidationProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecWarningsTest {

  private static AppSpec withService(String name) {
    return AppSpec.builder("app", "1").role("web", r -> r.service(name, "true")).build();
  }

  @Test
  void aServiceOneSwapAwayFromStart_isWarnedAbout_butTheSpecIsValid() {
    AppSpec spec = withService("strat");

    assertThat(spec.validate()).isEmpty();
    assertThat(spec.warnings())
        .singleElement()
        .extracting(ValidationProblem::path, ValidationProblem::reason)
        .containsExactly(
            "roles.web.services.strat",
            "'strat' is not a standard service, so it runs only when asked by name; did you mean"
                + " 'start'?");
  }

  @ParameterizedTest
  @CsvSource({"stp,stop", "reloads,reload", "inti,init", "scale-out,scale_out", "promte,promote"})
  void nearMisses_nameTheStandardService(String typo, String meant) {
    assertThat(withService(typo).warnings())
        .singleElement()
        .extracting(ValidationProblem::reason)
        .asString()
        .endsWith("did you mean '" + meant + "'?");
  }

  @ParameterizedTest
  @CsvSource({"start", "rebalance", "compact", "status", "init_db"})
  void standardServices_andNamesFarFromThem_getNoWarning(String name) {
    assertThat(withService(name).warnings()).isEmpty();
  }

  @Test
  void oneEditApart_countsInsertionsDeletionsSubstitutionsAndSwaps() {
    assertThat(SpecWarnings.oneEditApart("strat", "start")).isTrue();
    assertThat(SpecWarnings.oneEditApart("star", "start")).isTrue();
    assertThat(SpecWarnings.oneEditApart("starts", "start")).isTrue();
    assertThat(SpecWarnings.oneEditApart("stort", "start")).isTrue();
    assertThat(SpecWarnings.oneEditApart("start", "start")).isFalse();
    assertThat(SpecWarnings.oneEditApart("tsrat", "start")).isFalse();
    assertThat(SpecWarnings.oneEditApart("sta", "start")).isFalse();
  }
}
