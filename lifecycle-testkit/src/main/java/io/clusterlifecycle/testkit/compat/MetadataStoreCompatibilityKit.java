package io.clusterlifecycle.testkit.compat;

import static io.clusterlifecycle.testkit.compat.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link MetadataStore} as JUnit 5 tests: every implementation extends this class
 * in a few lines and so runs the same checks as the shipped stores (in-memory, local file). A
 * failed assertion names the part of the contract the store broke.
 *
 * <pre>{@code
 * class MyMetadataStoreCompatibilityTest extends MetadataStoreCompatibilityKit {
 *   @Override
 *   protected MetadataStore newStore() {
 *     return MyMetadataStore.connect(MyServer.endpoint());
 *   }
 * }
 * }</pre>
 *
 * <p>What the kit checks: {@link MetadataStore#commit} applies a change atomically (readers racing
 * with commits never see part of one; a change with a null value is refused whole), deletes before
 * puts, and a delete prefix removes the path and every key under it but not a sibling that merely
 * starts with the same letters ({@code /a/b} does not cover {@code /a/bc}); {@link
 * MetadataStore#get} returns the keys under a prefix and no others, sorted by key; values are kept
 * as given, empty and non-ASCII ones included; a watcher receives exactly one notification per
 * commit that touches its prefix, holding only the part of the commit under it, none for commits
 * elsewhere or for an empty change, and none after its watch was closed; a watcher that applies
 * each notification to a copy of its subtree holds what {@link MetadataStore#get} returns.
 *
 * <p>Each test uses keys under {@code /clusters/<random>/} only and reads no other part of the
 * tree, so {@link #newStore()} may return a client of a shared server. A watch receives the commits
 * that complete after {@link MetadataStore#watch} returned, not earlier ones, and commits under one
 * prefix in commit order. Notifications may arrive on any thread, after the commit's stage
 * completed: the kit waits up to 10 seconds for each one it expects. To check that a watcher got
 * nothing more, it commits a later change under the watched prefix and requires the watcher's next
 * notification to be that change's. After each test the kit closes the watches it opened and then
 * the store; that happens after the subclass's own {@code @AfterEach} methods. Every other call is
 * awaited for at most 30 seconds.
 */
public abstract class MetadataStoreCompatibilityKit {
  /** How long the kit waits for a notification it expects. */
  private static final long NOTIFICATION_SECONDS = 10;

  private static final String ATOMIC =
      "MetadataStore.commit must apply the whole change "
          + "atomically: a reader sees all of it or none of it";
  private static final String ONCE =
      "a MetadataStore watcher must receive exactly one "
          + "notification per commit touching its prefix, holding the part of the commit under it";

  private final List<MetadataStore> obtained = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> watches = new CopyOnWriteArrayList<>();
  private final String base = "/clusters/kit-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger sentinels = new AtomicInteger();

  /** Creates the kit; a subclass adds only {@link #newStore()}. */
  protected MetadataStoreCompatibilityKit() {}

  /**
   * Returns a store in which nothing exists under the {@code /clusters/<random>} paths the test
   * uses: a new, empty store, or a client of a shared one (possibly rooted at a unique prefix of
   * its own). Called once per test, before anything else of the test; the kit closes it after the
   * test.
   *
   * @return the store the test uses
   * @throws Exception if it cannot be created; the test then fails
   */
  protected abstract MetadataStore newStore() throws Exception;

  // ------------------------------------------------------------------------ get and commit

  @Test
  void get_returnsEveryKeyUnderThePrefix_sortedByKey_andNoOther() throws Exception {
    MetadataStore store = open();
    Map<String, String> puts = new LinkedHashMap<>();
    puts.put(base + "/a/b/2", "two");
    puts.put(base + "/a/bc/1", "sibling");
    puts.put(base + "/a/b/10", "ten");
    puts.put(base + "/a/b0", "sibling too");
    puts.put(base + "/a/b/1", "one");
    puts.put(base + "/z", "last");
    puts.put(base + "/a/b/x/y", "deep");
    await("commit", store.commit(change(puts, List.of())));

    Map<String, String> underAB = await("get", store.get(base + "/a/b"));

    assertThat(new ArrayList<>(underAB.keySet()))
        .as(
            "MetadataStore.get must return exactly the keys under the prefix (%s/a/b does not "
                + "cover %s/a/bc), sorted by key",
            base, base)
        .containsExactly(base + "/a/b/1", base + "/a/b/10", base + "/a/b/2", base + "/a/b/x/y");
    assertThat(underAB)
        .as("MetadataStore.get must return the values as committed")
        .containsEntry(base + "/a/b/1", "one")
        .containsEntry(base + "/a/b/10", "ten")
        .containsEntry(base + "/a/b/2", "two")
        .containsEntry(base + "/a/b/x/y", "deep");
    Map<String, String> all = await("get", store.get(base));
    assertThat(new ArrayList<>(all.keySet()))
        .as("MetadataStore.get must sort the keys")
        .containsExactlyElementsOf(new TreeMap<>(puts).keySet());
    assertThat(all).as("MetadataStore.get must return every key under the prefix").isEqualTo(puts);
    assertThat(await("get(prefix without keys)", store.get(base + "/none")))
        .as("MetadataStore.get of a prefix without keys must be empty")
        .isEmpty();
  }

  @Test
  void commit_appliesDeletesBeforePuts() throws Exception {
    MetadataStore store = open();
    await(
        "commit",
        store.commit(
            puts(base + "/x/old", "0", base + "/x/sub/old", "0", base + "/y/keep", "kept")));

    await(
        "commit(delete and put)",
        store.commit(
            change(
                Map.of(base + "/x/new", "1", base + "/x/sub/old", "again"), List.of(base + "/x"))));

    assertThat(await("get", store.get(base)))
        .as(
            "MetadataChange deletes apply before its puts, "
                + "so a key put under a deleted prefix stays")
        .isEqualTo(
            Map.of(base + "/x/new", "1", base + "/x/sub/old", "again", base + "/y/keep", "kept"));
  }

  @Test
  void deletePrefix_removesThePathAndEverythingUnderIt_butNotSiblingsSharingItsName()
      throws Exception {
    MetadataStore store = open();
    await(
        "commit",
        store.commit(
            puts(
                base + "/a/b",
                "self",
                base + "/a/b/c",
                "child",
                base + "/a/b/c/d",
                "grandchild",
                base + "/a/bc",
                "sibling",
                base + "/a/b0",
                "sibling",
                base + "/a/a",
                "before")));

    await("commit(delete)", store.commit(change(Map.of(), List.of(base + "/a/b"))));

    assertThat(await("get", store.get(base)))
        .as(
            "a MetadataChange delete prefix must remove every key equal to or under it, and only "
                + "those (%s/a/b does not cover %s/a/bc)",
            base, base)
        .isEqualTo(
            Map.of(base + "/a/bc", "sibling", base + "/a/b0", "sibling", base + "/a/a", "before"));
  }

  @Test
  void commit_isAtomic_forConcurrentReaders_andWatchers() throws Exception {
    MetadataStore store = open();
    String dir = base + "/atomic";
    int keys = 20;
    int generations = 30;
    Watcher watcher = watch(store, dir);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> torn = new CopyOnWriteArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<?> reading =
          reader.submit(
              () -> {
                while (writing.get() || reads.get() == 0) {
                  Map<String, String> seen = await("get", store.get(dir));
                  reads.incrementAndGet();
                  if (!seen.isEmpty()
                      && (seen.size() != keys || seen.values().stream().distinct().count() != 1)) {
                    torn.add(seen.toString());
                  }
                }
              });
      for (int g = 1; g <= generations; g++) {
        await("commit", store.commit(change(generation(dir, keys, g), List.of(dir))));
      }
      writing.set(false);
      try {
        reading.get(Stages.WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
      }
    } finally {
      reader.shutdownNow();
    }

    assertThat(torn).as(ATOMIC + "; these reads saw part of a commit").isEmpty();
    assertThat(await("get", store.get(dir)))
        .as(ATOMIC)
        .isEqualTo(generation(dir, keys, generations));
    for (int g = 1; g <= generations; g++) {
      MetadataChange n = watcher.next("the notification of commit " + g + " of " + generations);
      assertThat(n.puts())
          .as(ATOMIC + "; " + ONCE + ", in commit order")
          .isEqualTo(generation(dir, keys, g));
    }
    assertNothingMoreThanASentinel(store, dir, watcher);
  }

  @Test
  void commit_withANullValue_isRefusedWhole() throws Exception {
    MetadataStore store = open();
    Watcher watcher = watch(store, base);
    Map<String, String> puts = new LinkedHashMap<>();
    puts.put(base + "/a", "1");
    puts.put(base + "/b", null);
    puts.put(base + "/c", "3");

    boolean refused;
    try {
      CompletionStage<Void> stage = store.commit(new MetadataChange(puts, List.of()));
      refused = Stages.outcome("commit(a null value)", () -> stage).error() != null;
    } catch (RuntimeException e) {
      refused = true;
    }

    assertThat(refused)
        .as("values are plain strings: MetadataStore.commit must refuse a null " + "value")
        .isTrue();
    assertThat(await("get", store.get(base)))
        .as(ATOMIC + ": a refused commit changes nothing")
        .isEmpty();
    assertNothingMoreThanASentinel(store, base, watcher);
  }

  // ------------------------------------------------------------------------------ values

  @Test
  void values_arePlainStrings_keptAsGiven_includingEmptyAndUnicode() throws Exception {
    MetadataStore store = open();
    Watcher watcher = watch(store, base);
    Map<String, String> puts = new LinkedHashMap<>();
    puts.put(base + "/empty", "");
    puts.put(base + "/blank", "  ");
    puts.put(base + "/unicode", "gr\u00fc\u00dfe \u2713 \u65e5\u672c\u8a9e \ud83d\ude80");
    puts.put(base + "/lines", "line 1\nline 2\r\n\ttabbed");
    puts.put(base + "/json", "{\"a\": [1, \"two\"], \"b\": null}");
    puts.put(base + "/quotes", "it's \"quoted\" and \\ back-slashed");
    puts.put(base + "/path", "/not/a/key");
    puts.put(base + "/words", "null");
    puts.put(base + "/number", "007");
    puts.put(base + "/long", "x".repeat(10_000));

    await("commit", store.commit(change(puts, List.of())));

    assertThat(await("get", store.get(base)))
        .as("MetadataStore values are plain strings: read back exactly as committed")
        .isEqualTo(puts);
    assertThat(watcher.next("the notification of the commit").puts())
        .as("MetadataStore values are plain strings: notified exactly as committed")
        .isEqualTo(puts);
  }

  @Test
  void largeCommit_isVisibleWhole_andNotifiedOnce() throws Exception {
    MetadataStore store = open();
    String dir = base + "/big";
    Watcher watcher = watch(store, dir);
    Map<String, String> puts = new LinkedHashMap<>();
    IntStream.range(0, 500)
        .map(i -> 499 - i)
        .forEach(i -> puts.put(String.format("%s/k-%03d", dir, i), "value-" + i));

    await("commit(500 keys)", store.commit(change(puts, List.of())));

    Map<String, String> read = await("get", store.get(dir));
    assertThat(read).as(ATOMIC + ": all 500 keys once the stage completed").isEqualTo(puts);
    assertThat(new ArrayList<>(read.keySet()))
        .as("MetadataStore.get must sort the keys")
        .isSorted();
    assertThat(watcher.next("the notification of the 500-key commit").puts())
        .as(ONCE + ": one notification with all 500 keys")
        .isEqualTo(puts);
    assertNothingMoreThanASentinel(store, dir, watcher);
  }

  // ----------------------------------------------------------------------------- watches

  @Test
  void watch_getsOneNotificationPerCommitTouchingItsPrefix_withOnlyThePartUnderIt()
      throws Exception {
    MetadataStore store = open();
    String a = base + "/a";
    await("commit", store.commit(puts(a + "/old", "0", base + "/b/old", "0")));
    Watcher underA = watch(store, a);
    Watcher underBase = watch(store, base);
    Mirror mirrorA = new Mirror(a, await("get", store.get(a)));
    Mirror mirrorBase = new Mirror(base, await("get", store.get(base)));

    // puts under a, beside it and under a sibling that shares its name
    await(
        "commit",
        store.commit(
            puts(a + "/1", "one", a + "/2", "two", base + "/ab/3", "x", base + "/b/4", "y")));
    MetadataChange n = underA.next("the notification of a commit putting two keys under " + a);
    assertThat(n.puts())
        .as(ONCE + " (%s/ab is not under %s)", base, a)
        .isEqualTo(Map.of(a + "/1", "one", a + "/2", "two"));
    assertThat(n.deletePrefixes()).as(ONCE + ": this commit deleted nothing").isEmpty();
    mirrorA.apply(n, await("get", store.get(a)));
    MetadataChange all = underBase.next("the notification of the same commit under " + base);
    assertThat(all.puts())
        .as(ONCE + ": a watcher of %s gets all four keys", base)
        .isEqualTo(
            Map.of(a + "/1", "one", a + "/2", "two", base + "/ab/3", "x", base + "/b/4", "y"));
    mirrorBase.apply(all, await("get", store.get(base)));

    // a commit elsewhere: nothing for the watcher of a
    await("commit", store.commit(puts(base + "/ab/5", "x", base + "/b/6", "y")));
    mirrorBase.apply(
        underBase.next("the notification of a commit under " + base),
        await("get", store.get(base)));

    // a delete under a, with a put elsewhere: the next notification of a is this one
    await("commit", store.commit(change(Map.of(base + "/b/7", "z"), List.of(a + "/1"))));
    n = underA.next("the notification of a commit deleting " + a + "/1");
    assertThat(n.puts())
        .as(
            ONCE
                + ": the next notification must be this commit's, which put "
                + "nothing under %s (none may come for a commit elsewhere)",
            a)
        .isEmpty();
    mirrorA.apply(n, await("get", store.get(a)));
    mirrorBase.apply(
        underBase.next("the notification of the same commit under " + base),
        await("get", store.get(base)));

    // a delete above a, then a put under it
    await("commit", store.commit(change(Map.of(a + "/9", "nine"), List.of(base))));
    n = underA.next("the notification of a commit deleting " + base + " and putting under " + a);
    assertThat(n.puts()).as(ONCE).isEqualTo(Map.of(a + "/9", "nine"));
    mirrorA.apply(n, await("get", store.get(a)));
    mirrorBase.apply(
        underBase.next("the notification of the same commit under " + base),
        await("get", store.get(base)));

    assertNothingMoreThanASentinel(store, a, underA, underBase);
  }

  @Test
  void closedWatch_getsNoMoreNotifications() throws Exception {
    MetadataStore store = open();
    String dir = base + "/w";
    Watcher closing = watch(store, dir);
    Watcher staying = watch(store, dir);
    await("commit", store.commit(puts(dir + "/1", "before")));
    closing.next("the notification of a commit before the watch was closed");
    staying.next("the notification of a commit before the other watch was closed");

    closing.close();
    await("commit", store.commit(puts(dir + "/2", "after")));

    assertThat(staying.next("the notification of a commit after the other watch was closed").puts())
        .as(ONCE)
        .isEqualTo(Map.of(dir + "/2", "after"));
    assertNothingMoreThanASentinel(store, dir, staying);
    assertThat(closing.received())
        .as(
            "closing a MetadataStore watch must stop its "
                + "notifications; it got these after it was closed")
        .isEmpty();
  }

  @Test
  void emptyChange_isHarmless() throws Exception {
    MetadataStore store = open();
    await("commit", store.commit(puts(base + "/k", "v")));
    Watcher watcher = watch(store, base);

    await("commit(empty change)", store.commit(new MetadataChange(Map.of(), List.of())));

    assertThat(await("get", store.get(base)))
        .as("an empty MetadataChange must change nothing")
        .isEqualTo(Map.of(base + "/k", "v"));
    assertNothingMoreThanASentinel(store, base, watcher);
  }

  // ----------------------------------------------------------------------------- helpers

  private MetadataStore open() throws Exception {
    MetadataStore store = newStore();
    assertThat(store).as("newStore() must return a store").isNotNull();
    obtained.add(store);
    return store;
  }

  private Watcher watch(MetadataStore store, String prefix) {
    Watcher w = new Watcher(prefix);
    w.handle = store.watch(prefix, w.queue::add);
    assertThat(w.handle)
        .as("MetadataStore.watch must return a handle that stops the watch")
        .isNotNull();
    watches.add(w.handle);
    return w;
  }

  /**
   * Commits a put under {@code prefix}, which every watcher watches, and requires each watcher's
   * next notification to be that commit's: proof that the watchers received nothing in between.
   */
  private void assertNothingMoreThanASentinel(
      MetadataStore store, String prefix, Watcher... watchers) {
    String key = prefix + "/sentinel-" + sentinels.incrementAndGet();
    await("commit(sentinel)", store.commit(puts(key, "s")));
    for (Watcher w : watchers) {
      MetadataChange n = w.next("the notification of the sentinel commit putting " + key);
      assertThat(n)
          .as(
              ONCE
                  + ": the watcher of %s got a notification it should not have (no "
                  + "commit since the one it was last notified of touched it, until the sentinel %s)",
              w.prefix,
              key)
          .isEqualTo(new MetadataChange(Map.of(key, "s"), List.of()));
    }
  }

  private static Map<String, String> generation(String dir, int keys, int g) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keys; i++) {
      m.put(String.format("%s/k-%02d", dir, i), "generation-" + g);
    }
    return m;
  }

  private static MetadataChange puts(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return new MetadataChange(m, List.of());
  }

  private static MetadataChange change(Map<String, String> puts, List<String> deletes) {
    return new MetadataChange(puts, deletes);
  }

  private static boolean under(String key, String prefix) {
    return key.equals(prefix) || key.startsWith(prefix + "/");
  }

  /** Closes the watches the test opened, then its stores. */
  @AfterEach
  void closeWatchesAndStores() {
    AssertionError failed = null;
    for (AutoCloseable w : watches) {
      try {
        w.close();
      } catch (Exception e) {
        failed =
            failed != null
                ? failed
                : new AssertionError("closing a MetadataStore watch must not throw: " + e, e);
      }
    }
    watches.clear();
    for (MetadataStore s : obtained) {
      try {
        s.close();
      } catch (RuntimeException e) {
        failed =
            failed != null
                ? failed
                : new AssertionError("MetadataStore.close must not throw: " + e, e);
      }
    }
    obtained.clear();
    if (failed != null) {
      throw failed;
    }
  }

  /** Receives a watch's notifications in a queue. */
  private final class Watcher {
    final String prefix;
    final BlockingQueue<MetadataChange> queue = new LinkedBlockingQueue<>();
    AutoCloseable handle;

    Watcher(String prefix) {
      this.prefix = prefix;
    }

    /** Waits up to 10 s for the next notification and checks it is only of the prefix. */
    MetadataChange next(String what) {
      MetadataChange n;
      try {
        n = queue.poll(NOTIFICATION_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
      if (n == null) {
        throw new AssertionError(
            ONCE
                + ": the watcher of "
                + prefix
                + " did not receive "
                + what
                + " in "
                + NOTIFICATION_SECONDS
                + " s");
      }
      assertThat(n.isEmpty()).as(ONCE + ": a notification must not be empty").isFalse();
      assertThat(n.puts().keySet())
          .as(ONCE + ": the puts of a notification of %s must be " + "under it", prefix)
          .allMatch(k -> under(k, prefix));
      assertThat(n.deletePrefixes())
          .as(
              ONCE
                  + ": the deletes of a notification of %s must be "
                  + "the watched path or under it",
              prefix)
          .allMatch(p -> under(p, prefix));
      return n;
    }

    /** Closes the watch; the kit does not close it again. */
    void close() throws Exception {
      watches.remove(handle);
      handle.close();
    }

    /** What arrived and was not taken with {@link #next}. */
    List<MetadataChange> received() {
      return new ArrayList<>(queue);
    }
  }

  /** A watcher's copy of its subtree, kept by applying each notification to it. */
  private static final class Mirror {
    private final String prefix;
    private final TreeMap<String, String> keys;

    Mirror(String prefix, Map<String, String> initial) {
      this.prefix = prefix;
      this.keys = new TreeMap<>(initial);
    }

    /** Applies a notification (deletes, then puts) and compares with what the store holds. */
    void apply(MetadataChange n, Map<String, String> inStore) {
      for (String p : n.deletePrefixes()) {
        keys.keySet().removeIf(k -> under(k, p));
      }
      keys.putAll(n.puts());
      assertThat(Collections.unmodifiableMap(keys))
          .as(
              "a watcher of %s that applies each "
                  + "notification (deletes, then puts) to its copy of the subtree must hold what "
                  + "MetadataStore.get returns",
              prefix)
          .isEqualTo(inStore);
    }
  }
}
