/**
 * Events: every state change, stage and command of every operation, delivered in order to {@link
 * io.clusterlifecycle.api.event.EventListener}s and writable as JSON lines (docs/design.md §8).
 */
package io.clusterlifecycle.api.event;
