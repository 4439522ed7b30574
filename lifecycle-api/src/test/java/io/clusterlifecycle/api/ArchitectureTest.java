package io.clusterlifecycle.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shape of lifecycle-api: its packages form a graph without cycles (the error package at the
 * bottom, {@code Lifecycle}'s root package at the top), and it needs nothing but the JDK.
 */
class ArchitectureTest {
  private static final JavaClasses API =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.clusterlifecycle.api");

  @Test
  void apiPackages_areFreeOfCycles() {
    slices().matching("io.clusterlifecycle.api.(*)..").should().beFreeOfCycles().check(API);
  }

  @Test
  void rootPackage_isTheTopOfTheGraph_nothingElseDependsOnIt() {
    classes()
        .that()
        .resideInAPackage("io.clusterlifecycle.api")
        .should()
        .onlyHaveDependentClassesThat()
        .resideInAPackage("io.clusterlifecycle.api")
        .check(API);
  }

  @Test
  void errorPackage_dependsOnNothingElseInTheApi() {
    classes()
        .that()
        .resideInAPackage("io.clusterlifecycle.api.error")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.clusterlifecycle.api.error")
        .check(API);
  }

  @Test
  void apiClasses_dependOnlyOnTheJdkAndTheApi() {
    classes()
        .that()
        .resideInAPackage("io.clusterlifecycle.api..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.clusterlifecycle.api..")
        .check(API);
  }
}
