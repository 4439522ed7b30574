package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * A config file as a node would get it from one of its role's templates (docs/design.md §15), shown
 * by a dry-run. Secret values are masked in a dry-run's files.
 *
 * @param node the node id
 * @param destination where the file goes on the node
 * @param mode the file's permission bits in octal
 * @param content the rendered text
 */
public record RenderedFile(String node, String destination, String mode, String content) {

  /**
   * Checks for nulls.
   *
   * @param node the node id
   * @param destination where the file goes on the node
   * @param mode the permission bits in octal
   * @param content the rendered text
   * @throws NullPointerException if a component is null
   */
  public RenderedFile {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(content, "content");
  }
}
