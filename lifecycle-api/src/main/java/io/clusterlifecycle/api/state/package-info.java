/**
 * The state machines of clusters, roles, nodes and operations (docs/design.md §3). Each state enum
 * owns exactly one transition table; every move goes through {@code moveTo}, which refuses a move
 * the table does not list with an {@link
 * io.clusterlifecycle.api.error.IllegalStateTransitionException}.
 */
package io.clusterlifecycle.api.state;
