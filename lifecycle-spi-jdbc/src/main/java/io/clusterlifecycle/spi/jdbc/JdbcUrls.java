package io.clusterlifecycle.spi.jdbc;

/** Shows a database address without the credentials it may carry, for messages and logs. */
public final class JdbcUrls {
  private JdbcUrls() {}

  /**
   * The address with its user information ({@code //user:password@host}) and any {@code password=}
   * parameter replaced by {@code ***}.
   *
   * @param url the address, or null
   * @return the address safe to show, or null for null
   */
  public static String redacted(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(?<=//)[^/@]*@", "***@").replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
