package io.clusterlifecycle.samples.platform.cluster;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.Map;

/**
 * Restores a backup into a new cluster.
 *
 * @param name the new cluster's name
 * @param namespace its namespace; {@code default} when absent
 * @param labels its labels
 */
public record RestoreRequest(
    @NotBlank String name, String namespace, Map<@NotBlank String, @NotNull String> labels) {

  /** Fills the defaults. */
  public RestoreRequest {
    namespace = namespace == null || namespace.isBlank() ? "default" : namespace;
    labels = labels == null ? Map.of() : labels;
  }
}
