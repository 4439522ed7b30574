package io.clusterlifecycle.api.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One atomic change of the metadata tree: keys to set and key prefixes to delete. Deletes apply
 * before puts. Keys are absolute paths such as {@code /clusters/c1/hosts/zk/zk-1/ip}.
 *
 * @param puts keys to set, in order
 * @param deletePrefixes every key equal to, or under, one of these paths is deleted
 */
public record MetadataChange(Map<String, String> puts, List<String> deletePrefixes) {

  /**
   * Copies the collections, keeping the order of the puts.
   *
   * @param puts keys to set; copied
   * @param deletePrefixes prefixes to delete; copied
   */
  public MetadataChange {
    puts = Collections.unmodifiableMap(new LinkedHashMap<>(puts));
    deletePrefixes = List.copyOf(deletePrefixes);
  }

  /**
   * Tells whether the change does nothing.
   *
   * @return true with no puts and no deletes
   */
  public boolean isEmpty() {
    return puts.isEmpty() && deletePrefixes.isEmpty();
  }
}
