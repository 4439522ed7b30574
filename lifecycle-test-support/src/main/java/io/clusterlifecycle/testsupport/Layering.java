package io.clusterlifecycle.testsupport;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layering between the project's modules, as ArchUnit rules that each module's {@code
 * LayeringTest} checks on its own main classes (docs/design.md, "Modules"): the api depends on no
 * other module, the core on the api and the codec only, an adapter on the api and the codec only,
 * and the planner does not touch the executor.
 */
public final class Layering {
  /** The api: the model, the entry point and the SPI that everything else builds on. */
  public static final String API = "io.clusterlifecycle.api..";

  /** Spec-file and record reading and writing (JSON and YAML). */
  public static final String CODEC = "io.clusterlifecycle.codec..";

  /** The engine. */
  public static final String CORE = "io.clusterlifecycle.core..";

  private static final String PROJECT = "io.clusterlifecycle..";

  private Layering() {}

  /**
   * Imports the main classes of the module under test: its {@code target/classes}, relative to the
   * module's directory, where Maven runs its tests.
   *
   * @return the classes
   */
  public static JavaClasses mainClasses() {
    Path classes = Path.of("target", "classes");
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException(
          "no "
              + classes.toAbsolutePath()
              + ": run the layering test from the module's directory after compiling it");
    }
    return new ClassFileImporter().importPath(classes);
  }

  /**
   * The rule for a module whose classes may use, of the project's own, only the given packages
   * (their own among them); third-party and JDK classes are not restricted here, the module's pom
   * decides those.
   *
   * @param module the module's name, for the message
   * @param basePackage the module's base package
   * @param allowed ArchUnit package patterns of the project's modules it may use
   * @return the rule
   */
  public static ArchRule dependsOnlyOn(String module, String basePackage, String... allowed) {
    String[] own = new String[allowed.length + 1];
    System.arraycopy(allowed, 0, own, 0, allowed.length);
    own[allowed.length] = basePackage + "..";
    return classes()
        .that()
        .resideInAPackage(basePackage + "..")
        .should()
        .onlyDependOnClassesThat(resideOutsideOfPackage(PROJECT).or(resideInAnyPackage(own)))
        .because(module + " may use only " + String.join(", ", allowed) + " of this project");
  }

  /**
   * The rule for an adapter module: of the project, only the api and the codec.
   *
   * @param module the module's name, for example {@code lifecycle-spi-local}
   * @param basePackage its base package, for example {@code io.clusterlifecycle.spi.local}
   * @return the rule
   */
  public static ArchRule adapter(String module, String basePackage) {
    return dependsOnlyOn(module, basePackage, API, CODEC);
  }

  /**
   * The rule that one package of a module does not use another, for example the planner and the
   * executor.
   *
   * @param from the package that must not depend
   * @param on the package it must not depend on
   * @param why the reason, for the message
   * @return the rule
   */
  public static ArchRule independent(String from, String on, String why) {
    return noClasses()
        .that()
        .resideInAPackage(from + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(on + "..")
        .because(why);
  }
}
