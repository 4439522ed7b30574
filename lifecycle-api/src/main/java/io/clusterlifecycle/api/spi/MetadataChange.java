package io.clusterlifecycle.api.spi;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One atomic change of the metadata tree: keys to set and key prefixes to delete. Deletes apply
 * before puts. Keys are absolute paths such as {@code /clusters/c1/hosts/zk/zk-1/ip}.
 *
 * @param puts keys to set, in order
 * @param deletePrefixes every key equal to, or under, one of these paths is deleted
 */
public record MetadataChange(Map<String, String> puts, List<String> deletePrefixes) {

  /**
   * Copies the collections, keeping the order of the puts; the puts of a {@link Builder} are taken
   * over as they are, without a copy.
   *
   * @param puts keys to set; copied
   * @param deletePrefixes prefixes to delete; copied
   */
  public MetadataChange {
    if (!(puts instanceof Built)) {
      puts = Collections.unmodifiableMap(new LinkedHashMap<>(puts));
    }
    deletePrefixes = List.copyOf(deletePrefixes);
  }

  /**
   * Starts a change whose puts are handed over to it without being copied: for a change of many
   * keys (the hosts of a large cluster) built in one place.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder(16);
  }

  /**
   * Starts a change, as {@link #builder()}, sized for about {@code expectedPuts} keys so that
   * collecting them does not grow its table again and again.
   *
   * @param expectedPuts how many keys are expected; a hint
   * @return an empty builder
   * @throws IllegalArgumentException if {@code expectedPuts} is negative
   */
  public static Builder builder(int expectedPuts) {
    if (expectedPuts < 0) {
      throw new IllegalArgumentException("expectedPuts must be 0 or more, was " + expectedPuts);
    }
    return new Builder(expectedPuts);
  }

  /**
   * Tells whether the change does nothing.
   *
   * @return true with no puts and no deletes
   */
  public boolean isEmpty() {
    return puts.isEmpty() && deletePrefixes.isEmpty();
  }

  /**
   * Collects the keys and prefixes of one change. Not thread-safe. It may go on being used after
   * {@link #build()}: what it is given then does not reach the changes already built.
   */
  public static final class Builder {
    private LinkedHashMap<String, String> puts;
    private final List<String> deletePrefixes = new ArrayList<>();
    private boolean handedOver;

    private Builder(int expectedPuts) {
      // the load factor's 0.75: a table of expected / 0.75 slots holds them without a resize
      puts = new LinkedHashMap<>((int) Math.min(1 << 30, expectedPuts / 3L * 4 + 16));
    }

    /**
     * Sets a key; a key set again keeps its first place and takes the last value.
     *
     * @param key an absolute path
     * @param value its value
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder put(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      owned().put(key, value);
      return this;
    }

    /**
     * Sets every key of a map, in its order.
     *
     * @param keys keys and values
     * @return this builder
     * @throws NullPointerException if the map, a key or a value is null
     */
    public Builder putAll(Map<String, String> keys) {
      keys.forEach(this::put);
      return this;
    }

    /**
     * Deletes every key equal to, or under, a path.
     *
     * @param prefix an absolute path
     * @return this builder
     * @throws NullPointerException if {@code prefix} is null
     */
    public Builder deletePrefix(String prefix) {
      deletePrefixes.add(Objects.requireNonNull(prefix, "prefix"));
      return this;
    }

    /**
     * Builds the change, handing over the puts collected so far without copying them.
     *
     * @return the change
     */
    public MetadataChange build() {
      handedOver = true;
      return new MetadataChange(new Built(puts), deletePrefixes);
    }

    private LinkedHashMap<String, String> owned() {
      if (handedOver) {
        puts = new LinkedHashMap<>(puts);
        handedOver = false;
      }
      return puts;
    }
  }

  /** The read-only puts of a built change; only a {@link Builder} makes one. */
  private static final class Built extends AbstractMap<String, String> {
    private final Map<String, String> keys;

    private Built(LinkedHashMap<String, String> keys) {
      this.keys = Collections.unmodifiableMap(keys);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return keys.entrySet();
    }

    @Override
    public Set<String> keySet() {
      return keys.keySet();
    }

    @Override
    public java.util.Collection<String> values() {
      return keys.values();
    }

    @Override
    public int size() {
      return keys.size();
    }

    @Override
    public String get(Object key) {
      return keys.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return keys.containsKey(key);
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
      keys.forEach(action);
    }
  }
}
