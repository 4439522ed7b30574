/**
 * What the engine records about clusters, their nodes and the operations run on them. All types are
 * immutable records; the engine replaces them as a whole when something changes.
 */
package io.clusterlifecycle.api.model;
