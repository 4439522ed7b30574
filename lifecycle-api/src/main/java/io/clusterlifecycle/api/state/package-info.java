/**
 * The state machines of clusters, roles, nodes and operations (SPEC section 4). Each state enum
 * owns exactly one transition table; every move goes through {@code moveTo}, which refuses a move
 * the table does not list with an {@link io.clusterlifecycle.api.error.IllegalStateTransitionException}.
 */
package io.clusterlifecycle.api.state;
