package io.clusterlifecycle.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a child JVM on this process's class path: the same {@code java}, the given JVM flags (for
 * example {@code -Xmx512m}), quiet engine logs, a main class and its arguments. The child's
 * standard output is piped to the caller; its standard error goes to this process's.
 */
public final class ChildJvm {
  private final String java;
  private final String classPath;

  /** A launcher for JVMs like this one. */
  public ChildJvm() {
    this(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        System.getProperty("java.class.path"));
  }

  /**
   * A launcher for another {@code java} or class path.
   *
   * @param java the {@code java} executable
   * @param classPath the class path
   */
  public ChildJvm(String java, String classPath) {
    this.java = java;
    this.classPath = classPath;
  }

  /**
   * Starts a child.
   *
   * @param jvmFlags flags before the main class
   * @param main the main class
   * @param args its arguments
   * @return the running process
   */
  public Process start(List<String> jvmFlags, Class<?> main, List<String> args) {
    return start(jvmFlags, main, args, Map.of());
  }

  /**
   * Starts a child with variables added to this process's environment.
   *
   * @param jvmFlags flags before the main class
   * @param main the main class
   * @param args its arguments
   * @param env variables to add
   * @return the running process
   */
  public Process start(
      List<String> jvmFlags, Class<?> main, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmFlags);
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(classPath);
    command.add(main.getName());
    command.addAll(args);
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().putAll(env);
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + command, e);
    }
  }
}
