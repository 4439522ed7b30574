package io.clusterlifecycle.api.spi;

import io.clusterlifecycle.api.spec.SecretRef;
import java.util.concurrent.CompletionStage;

/**
 * Finds the value of a secret a spec refers to (docs/design.md §9.9): an environment variable, a
 * file, a value the embedding platform holds, a vault. The engine calls it right before it runs a
 * command whose service lists the secret, passes the value to that command only, and never stores
 * it; it also replaces the value with {@code ***} wherever the operation's output, errors, journal
 * or events would show it.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #resolve} returns at once; the stage completes with the value, or exceptionally with
 *       {@link SecretResolutionException} (permanent: the step fails) or {@link
 *       TransientSpiException} (retried with the engine's back-off).
 *   <li>No failure, message, log line or {@code toString()} contains a value, not even part of one.
 *       Name the reference instead.
 *   <li>The value is returned as it is to be passed to the command; an empty value is a value.
 *   <li>Called from many threads at once; resolving a reference twice may give a newer value.
 * </ul>
 *
 * <p>lifecycle-core's {@code SecretResolvers} holds the built-in resolvers for the {@code env},
 * {@code file} and {@code host} schemes and combines resolvers by scheme.
 */
@FunctionalInterface
public interface SecretResolver {

  /**
   * Resolves a reference to the secret's value.
   *
   * @param ref where the value is
   * @return a stage completing with the value, or exceptionally with {@link
   *     SecretResolutionException} when there is none (its reason says why) or {@link
   *     TransientSpiException} to be asked again
   */
  CompletionStage<String> resolve(SecretRef ref);
}
