package io.clusterlifecycle.spring.boot;

/** Shows a store's address without the credentials it may hold. */
final class Urls {
  private Urls() {}

  /**
   * The address with any user information ({@code user:password@}) and {@code password=} parameter
   * replaced by {@code ***}.
   *
   * @param url the address, or null
   * @return the masked address, or null
   */
  static String masked(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(?<=//)[^/@]*@", "***@").replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
