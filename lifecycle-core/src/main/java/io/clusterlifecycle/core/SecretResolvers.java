package io.clusterlifecycle.core;

import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spi.SecretResolutionException;
import io.clusterlifecycle.api.spi.SecretResolutionException.Reason;
import io.clusterlifecycle.api.spi.SecretResolver;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;

/**
 * The built-in {@link SecretResolver}s (docs/design.md §9.9) and a way to combine resolvers by
 * scheme. An engine whose builder is given no resolver uses {@link #defaults()}: {@code env:} and
 * {@code file:}, plus {@code host:} when {@link LifecycleEngineBuilder#hostSecrets} is set.
 *
 * <p>Every resolver here fails with {@link SecretResolutionException} naming the reference, never
 * the value, and is safe to call from many threads.
 */
public final class SecretResolvers {
  /** Largest secret file read, in bytes: 64 KiB. */
  public static final long MAX_FILE_BYTES = 64 * 1024;

  private SecretResolvers() {}

  /**
   * Resolves {@code env:NAME} from the engine process's environment ({@link System#getenv()}).
   *
   * @return the resolver
   */
  public static SecretResolver environment() {
    return environment(System.getenv());
  }

  /**
   * Resolves {@code env:NAME} from a given map, for example a filtered copy of the environment.
   *
   * @param variables the variables, read as they are at each resolution (not copied)
   * @return the resolver; a missing variable fails with {@link Reason#NOT_FOUND}
   * @throws NullPointerException if {@code variables} is null
   */
  public static SecretResolver environment(Map<String, String> variables) {
    Objects.requireNonNull(variables, "variables");
    return only(
        SecretRef.ENV,
        ref -> {
          String v = variables.get(ref.name());
          if (v == null) {
            throw new SecretResolutionException(
                ref, Reason.NOT_FOUND, "the engine's environment has no variable " + ref.name());
          }
          return v;
        });
  }

  /**
   * Resolves {@code file:/path} to the file's content as UTF-8, with leading and trailing white
   * space removed, read on the common fork-join pool. Files readable by their group or by others
   * are accepted (container runtimes mount secrets so); see {@link #files(boolean, Executor)} to
   * refuse them.
   *
   * @return the resolver
   */
  public static SecretResolver files() {
    return files(false, ForkJoinPool.commonPool());
  }

  /**
   * Resolves {@code file:/path} to the file's trimmed UTF-8 content. A missing file fails with
   * {@link Reason#NOT_FOUND}; one that is not a regular file, is larger than {@link
   * #MAX_FILE_BYTES}, is not UTF-8 or cannot be read with {@link Reason#UNREADABLE}; with {@code
   * ownerOnly}, a file (on a POSIX file system) that its group or others may read with {@link
   * Reason#INSECURE}.
   *
   * @param ownerOnly true to refuse files readable by their group or by others
   * @param executor where the file is read, so that the engine's threads never wait on the disk
   * @return the resolver
   * @throws NullPointerException if {@code executor} is null
   */
  public static SecretResolver files(boolean ownerOnly, Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return ref -> {
      if (!SecretRef.FILE.equals(ref.scheme())) {
        return CompletableFuture.failedFuture(unknownScheme(ref, Set.of(SecretRef.FILE)));
      }
      return CompletableFuture.supplyAsync(() -> readFile(ref, ownerOnly), executor);
    };
  }

  private static String readFile(SecretRef ref, boolean ownerOnly) {
    Path file = Path.of(ref.name());
    try {
      if (!Files.exists(file)) {
        throw new SecretResolutionException(ref, Reason.NOT_FOUND, "no such file");
      }
      if (!Files.isRegularFile(file)) {
        throw new SecretResolutionException(ref, Reason.UNREADABLE, "not a regular file");
      }
      if (ownerOnly) {
        PosixFileAttributeView view =
            Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view != null) {
          Set<PosixFilePermission> perms = view.readAttributes().permissions();
          if (perms.contains(PosixFilePermission.GROUP_READ)
              || perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new SecretResolutionException(
                ref,
                Reason.INSECURE,
                "its group or others may read it; make it readable by its owner only (chmod 600)");
          }
        }
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new SecretResolutionException(
            ref, Reason.UNREADABLE, "larger than " + MAX_FILE_BYTES + " bytes");
      }
      byte[] bytes = Files.readAllBytes(file);
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
      return text.strip();
    } catch (NoSuchFileException e) {
      throw new SecretResolutionException(ref, Reason.NOT_FOUND, "no such file");
    } catch (CharacterCodingException e) {
      throw new SecretResolutionException(ref, Reason.UNREADABLE, "not UTF-8 text");
    } catch (IOException | SecurityException e) {
      // the exception's message names the file and the failure, never its content
      throw new SecretResolutionException(
          ref, Reason.UNREADABLE, e.getClass().getSimpleName() + " " + e.getMessage());
    }
  }

  /**
   * Resolves {@code host:KEY} with a lookup the embedding platform provides, such as its own secret
   * store's client. The lookup is called on the engine's thread and must be quick; wrap a slow one
   * in your own {@link SecretResolver}.
   *
   * @param lookup gives a key's value, or empty when there is none ({@link Reason#NOT_FOUND})
   * @return the resolver
   * @throws NullPointerException if {@code lookup} is null
   */
  public static SecretResolver host(Function<String, Optional<String>> lookup) {
    Objects.requireNonNull(lookup, "lookup");
    return only(
        SecretRef.HOST,
        ref ->
            Objects.requireNonNull(lookup.apply(ref.name()), "host secret lookup returned null")
                .orElseThrow(
                    () ->
                        new SecretResolutionException(
                            ref, Reason.NOT_FOUND, "the host provides no secret " + ref.name())));
  }

  /**
   * Resolves {@code host:KEY} from a map of values the embedding platform hands over.
   *
   * @param values keys mapped to values, copied
   * @return the resolver
   * @throws NullPointerException if {@code values} or an entry is null
   */
  public static SecretResolver host(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return host(key -> Optional.ofNullable(copy.get(key)));
  }

  /**
   * Combines resolvers: each reference goes to the resolver of its scheme.
   *
   * @param resolvers schemes mapped to their resolvers; copied
   * @return the resolver; a scheme not in the map fails with {@link Reason#UNKNOWN_SCHEME}, naming
   *     the schemes it knows
   * @throws NullPointerException if {@code resolvers} or an entry is null
   */
  public static SecretResolver byScheme(Map<String, SecretResolver> resolvers) {
    Map<String, SecretResolver> copy = Collections.unmodifiableMap(new LinkedHashMap<>(resolvers));
    copy.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "scheme");
          Objects.requireNonNull(v, "resolver of " + k);
        });
    return ref -> {
      SecretResolver r = copy.get(ref.scheme());
      if (r == null) {
        return CompletableFuture.failedFuture(unknownScheme(ref, copy.keySet()));
      }
      return r.resolve(ref);
    };
  }

  /**
   * The engine's default: {@code env:} from {@link #environment()} and {@code file:} from {@link
   * #files()}.
   *
   * @return the resolver
   */
  public static SecretResolver defaults() {
    return byScheme(Map.of(SecretRef.ENV, environment(), SecretRef.FILE, files()));
  }

  private static SecretResolver only(String scheme, Function<SecretRef, String> resolve) {
    return ref -> {
      if (!scheme.equals(ref.scheme())) {
        return CompletableFuture.failedFuture(unknownScheme(ref, Set.of(scheme)));
      }
      try {
        return CompletableFuture.completedFuture(resolve.apply(ref));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    };
  }

  private static SecretResolutionException unknownScheme(SecretRef ref, Set<String> known) {
    return new SecretResolutionException(
        ref,
        Reason.UNKNOWN_SCHEME,
        "this engine resolves "
            + String.join(", ", new java.util.TreeSet<>(known).stream().map(s -> s + ":").toList())
            + " references only");
  }
}
