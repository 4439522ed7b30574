package io.clusterlifecycle.spi.ssh;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and as whom {@link SshCommandExecutor} runs a node's commands. Build one with {@link
 * #builder()}.
 *
 * @param host the host name or address to connect to
 * @param port the SSH port, 1 to 65535
 * @param user the login user
 * @param identity the private key file to log in with; empty for the executor's own
 * @param directory the node's directory on the host, absolute or relative to the login directory:
 *     commands run in it, and it holds {@code metadata.json}, {@code logs/} and {@code runs/}
 */
public record SshTarget(
    String host, int port, String user, Optional<Path> identity, String directory) {

  /** The SSH port used when none is set. */
  public static final int DEFAULT_PORT = 22;

  /**
   * Checks the components.
   *
   * @param host the host
   * @param port the port
   * @param user the user
   * @param identity the key file, if not the executor's
   * @param directory the node's directory
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if host, user or directory is blank, or the port is out of
   *     range
   */
  public SshTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(directory, "directory");
    if (host.isBlank() || user.isBlank() || directory.isBlank()) {
      throw new IllegalArgumentException(
          "an SSH target needs a host, a user and a directory, got host '"
              + host
              + "', user '"
              + user
              + "', directory '"
              + directory
              + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("SSH port must be 1 to 65535, was " + port);
    }
  }

  /**
   * Starts a builder; the port defaults to {@value #DEFAULT_PORT} and the identity to none.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The target as people write it.
   *
   * @return {@code user@host:port}
   */
  public String display() {
    return user + "@" + host + ":" + port;
  }

  /** Builds an {@link SshTarget}; not thread-safe. */
  public static final class Builder {
    private String host;
    private int port = DEFAULT_PORT;
    private String user;
    private Optional<Path> identity = Optional.empty();
    private String directory;

    private Builder() {}

    /**
     * Sets the host name or address.
     *
     * @param value the host
     * @return this builder
     */
    public Builder host(String value) {
      this.host = Objects.requireNonNull(value, "host");
      return this;
    }

    /**
     * Sets the SSH port.
     *
     * @param value the port
     * @return this builder
     */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /**
     * Sets the login user.
     *
     * @param value the user
     * @return this builder
     */
    public Builder user(String value) {
      this.user = Objects.requireNonNull(value, "user");
      return this;
    }

    /**
     * Sets the private key file to log in with, instead of the executor's.
     *
     * @param value the key file, or null for the executor's
     * @return this builder
     */
    public Builder identity(Path value) {
      this.identity = Optional.ofNullable(value);
      return this;
    }

    /**
     * Sets the node's directory on the host.
     *
     * @param value absolute, or relative to the login directory
     * @return this builder
     */
    public Builder directory(String value) {
      this.directory = Objects.requireNonNull(value, "directory");
      return this;
    }

    /**
     * Builds the target.
     *
     * @return the target
     * @throws NullPointerException if host, user or directory was not set
     * @throws IllegalArgumentException if a value is refused
     */
    public SshTarget build() {
      return new SshTarget(host, port, user, identity, directory);
    }
  }
}
