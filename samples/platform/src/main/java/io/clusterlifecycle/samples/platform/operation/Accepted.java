package io.clusterlifecycle.samples.platform.operation;

/**
 * The answer to an asynchronous request (HTTP 202).
 *
 * @param operationId the id to poll at {@code GET /api/v1/operations/{operationId}}
 * @param action what runs, as in "install release"
 * @param state {@code RUNNING}
 * @param href where to poll it
 */
public record Accepted(String operationId, String action, String state, String href) {}
