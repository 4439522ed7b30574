package io.clusterlifecycle.api.plan;

import java.util.Objects;

/**
 * Boots one node from another image, keeping its volume and address (SPEC 7.6); on success the
 * node's record holds the new image and app version.
 *
 * @param id the step id
 * @param node the node id
 * @param role the node's role
 * @param image the new image, empty for the provider's default
 * @param version the app version the image runs
 */
public record ReplaceImageStep(String id, String node, String role, String image, String version) implements Step {

  /**
   * Checks the fields.
   *
   * @param id the step id
   * @param node the node id
   * @param role the node's role
   * @param image the new image, empty for the provider's default
   * @param version the app version the image runs
   */
  public ReplaceImageStep {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(version, "version");
  }

  @Override
  public String describe() {
    return "image of " + node + " -> " + (image.isEmpty() ? "version " + version : image);
  }
}
