package io.clusterlifecycle.samples.platform.release;

import java.util.List;

/**
 * A deleted release.
 *
 * @param name its name
 * @param namespace its namespace
 * @param id its cluster id
 * @param operationId the library's delete operation
 * @param keptVolumes the volumes kept ({@code deletePvcs=false}); empty when they were deleted
 */
public record DeletedView(
    String name, String namespace, String id, String operationId, List<String> keptVolumes) {}
