package io.clusterlifecycle.spi.local;

/** Checks ids that become file names, so that no id can reach outside its directory. */
final class Ids {
  private static final int MAX_LENGTH = 200;

  private Ids() {}

  /**
   * Checks that an id is usable as one file name: not empty, at most 200 characters, not starting
   * with a dot, and made of letters, digits, {@code .}, {@code _}, {@code -} and {@code :} only.
   *
   * @throws IllegalArgumentException naming the kind of id and what is wrong with it
   */
  static String check(String kind, String id) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(kind + " must not be empty");
    }
    if (id.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          kind + " '" + id.substring(0, 40) + "...' is longer than " + MAX_LENGTH + " characters");
    }
    if (id.charAt(0) == '.') {
      throw new IllegalArgumentException(kind + " '" + id + "' must not start with '.'");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-'
              || c == ':';
      if (!ok) {
        throw new IllegalArgumentException(
            kind
                + " '"
                + id.replaceAll("\\p{Cntrl}", "?")
                + "' may hold only letters, digits, '.', '_', '-' and ':'");
      }
    }
    return id;
  }

  /** Makes any text usable in a file name by replacing other characters with {@code _}. */
  static String sanitize(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 64));
    for (int i = 0; i < text.length() && sb.length() < 64; i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      sb.append(ok ? c : '_');
    }
    return sb.length() == 0 ? "_" : sb.toString();
  }
}
