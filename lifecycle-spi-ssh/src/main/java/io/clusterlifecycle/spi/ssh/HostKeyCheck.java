package io.clusterlifecycle.spi.ssh;

/**
 * How {@link SshCommandExecutor} decides whether a host's key is the host's (docs/ssh.md). A key
 * refused fails the connection with {@link SshAccessException} and nothing runs on the host.
 */
public enum HostKeyCheck {
  /**
   * The default: the host must be listed in the known-hosts file with the key it presents. An
   * unknown host is refused with {@link SshAccessException.Reason#HOST_KEY_UNKNOWN}, a host listed
   * with other keys with {@link SshAccessException.Reason#HOST_KEY_CHANGED}.
   */
  STRICT,
  /**
   * Like {@link #STRICT}, except that a host the known-hosts file does not list is trusted on first
   * use: its key is appended to the file and accepted. A listed host presenting another key is
   * still refused with {@link SshAccessException.Reason#HOST_KEY_CHANGED}.
   */
  ACCEPT_NEW,
  /**
   * The key must be one of the keys pinned on the builder (a public-key line or a {@code SHA256:}
   * fingerprint), whatever the host; the known-hosts file is not read. Another key is refused with
   * {@link SshAccessException.Reason#HOST_KEY_NOT_PINNED}.
   */
  PINNED
}
