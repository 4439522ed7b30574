package io.clusterlifecycle.core.internal.exec;

import java.time.Duration;

/**
 * How role actions are batched when the request does not say (docs/design.md §6.13): the seed's
 * {@code :action_number} and {@code :action_period}.
 */
public record ActionDefaults(int number, Duration period) {}
