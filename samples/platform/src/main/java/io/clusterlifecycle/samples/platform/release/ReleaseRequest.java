package io.clusterlifecycle.samples.platform.release;

import io.clusterlifecycle.api.request.SettingsChange;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Null;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * The release manager's {@code releaseRequest}, with the fields that map onto the library.
 *
 * @param name the release's name (the cluster's name)
 * @param chartName the app to install, found in {@code repoName}
 * @param chartVersion its version; the newest (index) or any (spec directory) when absent
 * @param repoName the repository, one of {@code platform.repositories}; the default one when absent
 * @param configValues config values, deep-merged into the release's (a key set to {@code ""}
 *     removes it)
 * @param params the app's declared parameters by name (the flat form of {@code metaInfoParams});
 *     they win over {@code configValues} on their paths
 * @param releaseLabels labels, merged into the release's ({@code ""} removes one)
 * @param dependencies {@code name -> namespace/release}, merged ({@code ""} removes one)
 * @param plugins plugins, merged by name ({@code disable: true} removes one)
 * @param chartImage the release manager's chart image: not supported here, refused when given
 * @param metaInfoParams the release manager's structured parameters: not supported here (give
 *     {@code params} by name), refused when given
 */
public record ReleaseRequest(
    @NotBlank @Size(max = 64) String name,
    String chartName,
    String chartVersion,
    String repoName,
    Map<String, Object> configValues,
    Map<String, Object> params,
    Map<@NotBlank String, @NotNull String> releaseLabels,
    Map<@NotBlank String, @NotNull String> dependencies,
    List<@Valid PluginSpec> plugins,
    @Null(message = "is not supported: give chartName, chartVersion and repoName")
        String chartImage,
    @Null(message = "is not supported: give the app's declared parameters by name in params")
        Map<String, Object> metaInfoParams) {

  /** Replaces absent collections with empty ones. */
  public ReleaseRequest {
    configValues = configValues == null ? Map.of() : configValues;
    params = params == null ? Map.of() : params;
    releaseLabels = releaseLabels == null ? Map.of() : releaseLabels;
    dependencies = dependencies == null ? Map.of() : dependencies;
    plugins = plugins == null ? List.of() : List.copyOf(plugins);
  }

  /**
   * Whether the request names a chart.
   *
   * @return true when {@code chartName} is given
   */
  public boolean namesChart() {
    return chartName != null && !chartName.isBlank();
  }

  /**
   * The settings the request changes, for an upgrade or a reconfigure.
   *
   * @return the change
   */
  public SettingsChange change() {
    return new SettingsChange(
        configValues,
        params,
        releaseLabels,
        dependencies,
        plugins.stream().map(PluginSpec::toRef).toList());
  }
}
