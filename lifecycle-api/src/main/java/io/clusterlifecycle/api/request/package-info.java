/**
 * Requests for operations: what to change, on which cluster, with which options. Each request is
 * validated as a whole before anything changes.
 */
package io.clusterlifecycle.api.request;
