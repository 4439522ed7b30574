package io.clusterlifecycle.spring.boot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesTheApiTheEnginesBuilderAndTheDefaultAdaptersOnly() {
    Layering.dependsOnlyOn(
            "lifecycle-spring-boot-starter",
            "io.clusterlifecycle.spring.boot",
            Layering.API,
            Layering.CORE,
            "io.clusterlifecycle.spi.local..",
            "io.clusterlifecycle.spi.jdbc..")
        .check(Layering.mainClasses());
  }

  @Test
  void usesNoInternalPackage() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.clusterlifecycle..internal..")
        .because("the starter builds the engine through its public builder only")
        .check(Layering.mainClasses());
  }
}
