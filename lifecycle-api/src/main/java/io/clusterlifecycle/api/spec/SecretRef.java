package io.clusterlifecycle.api.spec;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a secret's value is found, never the value itself (docs/design.md §2, §11): written {@code
 * <scheme>:<name>} in a spec's {@code secrets:} map and resolved by the engine's {@code
 * SecretResolver} right before a command that declares the secret runs.
 *
 * <p>Three schemes are built in: {@value #ENV} (an environment variable of the engine's process,
 * {@code env:DB_PASSWORD}), {@value #FILE} (a file's content, trimmed, {@code
 * file:/run/secrets/db}) and {@value #HOST} (a value the embedding platform hands the engine,
 * {@code host:db-password}). Any other scheme ({@code vault:kv/db}) is accepted as written and left
 * to the engine's resolver, which fails the step if it does not know it.
 *
 * <p>A reference is not secret: it is stored in records, plans and traces as written.
 *
 * @param scheme the lower-case scheme before the first {@code :}
 * @param name what the resolver looks up: a variable name, an absolute path or a key
 */
public record SecretRef(String scheme, String name) {

  /** Scheme of a reference to an environment variable of the engine's process. */
  public static final String ENV = "env";

  /** Scheme of a reference to a file whose trimmed content is the value. */
  public static final String FILE = "file";

  /** Scheme of a reference to a value the embedding platform provides. */
  public static final String HOST = "host";

  /** Longest reference accepted, scheme included. */
  public static final int MAX_LENGTH = 1024;

  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern HOST_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:/@-]{0,254}");

  /**
   * Checks the reference: a known scheme's name must have that scheme's form.
   *
   * @param scheme the scheme
   * @param name the name
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the reference is malformed; the message says why
   */
  public SecretRef {
    Objects.requireNonNull(scheme, "scheme");
    Objects.requireNonNull(name, "name");
    Optional<String> problem = problem(scheme, name);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
  }

  /**
   * Reads a reference written {@code <scheme>:<name>}.
   *
   * @param reference the text, for example {@code env:DB_PASSWORD}
   * @return the reference
   * @throws NullPointerException if {@code reference} is null
   * @throws IllegalArgumentException if it is malformed; the message says why
   */
  public static SecretRef parse(String reference) {
    Objects.requireNonNull(reference, "reference");
    Optional<String> problem = problem(reference);
    if (problem.isPresent()) {
      throw new IllegalArgumentException(problem.get());
    }
    int colon = reference.indexOf(':');
    return new SecretRef(reference.substring(0, colon), reference.substring(colon + 1));
  }

  /**
   * Tells what is wrong with a reference's text, as a validation reason.
   *
   * @param reference the text
   * @return why it is malformed, or empty when {@link #parse} accepts it
   * @throws NullPointerException if {@code reference} is null
   */
  public static Optional<String> problem(String reference) {
    if (reference.length() > MAX_LENGTH) {
      return Optional.of("must be at most " + MAX_LENGTH + " characters");
    }
    int colon = reference.indexOf(':');
    if (colon < 0) {
      return Optional.of(
          "must be a reference <scheme>:<name> such as env:DB_PASSWORD, file:/run/secrets/db or"
              + " host:db-password, not the secret itself");
    }
    return problem(reference.substring(0, colon), reference.substring(colon + 1));
  }

  private static Optional<String> problem(String scheme, String name) {
    if (!SCHEME.matcher(scheme).matches()) {
      return Optional.of(
          "scheme '"
              + scheme
              + "' must match "
              + SCHEME
              + "; use env:VARIABLE, file:/absolute/path or host:key");
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        return Optional.of("must not contain control characters");
      }
    }
    if (name.isBlank() || !name.strip().equals(name)) {
      return Optional.of("the name after '" + scheme + ":' must not be blank or padded");
    }
    return switch (scheme) {
      case ENV ->
          ENV_NAME.matcher(name).matches()
              ? Optional.empty()
              : Optional.of("env: must name an environment variable matching " + ENV_NAME);
      case FILE ->
          name.startsWith("/") && !name.endsWith("/")
              ? Optional.empty()
              : Optional.of("file: must name a file by its absolute path, such as /run/secrets/db");
      case HOST ->
          HOST_KEY.matcher(name).matches()
              ? Optional.empty()
              : Optional.of("host: must name a key matching " + HOST_KEY);
      default -> Optional.empty();
    };
  }

  /**
   * Writes the reference as a spec holds it.
   *
   * @return {@code <scheme>:<name>}
   */
  @Override
  public String toString() {
    return scheme + ":" + name;
  }
}
