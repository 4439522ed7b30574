package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.spi.jdbc.JdbcClusterStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Creates per second while the SQLite store already holds 1,000, 10,000 and 100,000 clusters: the
 * cost of a create must not grow with the estate (figure {@code estate_create_per_s} at 100,000 and
 * {@code estate_create_flatness}, that rate over the rate at 1,000).
 *
 * <p>The estate is copies of one engine-created three-node cluster ({@link Estate#copyOf}) written
 * into the store's file in one SQLite transaction per 10,000, with the columns the store indexes,
 * because 100,000 creates through the engine would take far longer than the measurement. Then
 * {@link #CREATES} small clusters are created through the engine, one after another, on
 * zero-latency SPIs. The details also hold the rate at 10,000 of an engine whose store answers name
 * lookups by listing every record (the interface's default), which is what every create did before
 * the stores had a name index.
 */
final class EstateRun {
  static final int[] SIZES = {1_000, 10_000, 100_000};
  static final int CREATES = 150;
  private static final int FILL_BATCH = 10_000;

  private final Figures figures;
  private final PrintStream log;

  EstateRun(Figures figures, PrintStream log) {
    this.figures = figures;
    this.log = log;
  }

  void run(Path dir) {
    Path db = dir.resolve("estate.db");
    Map<Integer, Double> rates = new LinkedHashMap<>();
    try (BenchEngine bench =
        BenchEngine.start(
            BenchEngine.Options.of(LatencyModel.ZERO).store(JdbcClusterStore.sqlite(db)))) {
      Cluster template = bench.engine().create(BenchSpecs.small("estate-template"));
      createMany(bench, 20, "warm"); // JIT
      int held = 21;
      for (int size : SIZES) {
        fill(db, template, held, size);
        held = size;
        double rate = createMany(bench, CREATES, "at" + size);
        held += CREATES;
        rates.put(size, rate);
        figures.detail("estate_create_per_s_" + size, rate);
        log.printf(Locale.ROOT, "estate of %,d clusters: %.1f creates/s%n", size, rate);
      }
    }
    double flat = rates.get(100_000) / rates.get(1_000);
    figures.put(Figures.Target.ESTATE, rates.get(100_000));
    figures.put(Figures.Target.ESTATE_FLATNESS, flat);
    log.printf(
        Locale.ROOT,
        "estate: %.1f creates/s at 100,000 clusters, %.2f of the rate at 1,000%n",
        rates.get(100_000),
        flat);
    byListing(dir.resolve("listing.db"));
  }

  /** The rate at 10,000 clusters when name lookups list every record. */
  private void byListing(Path db) {
    try (BenchEngine bench =
        BenchEngine.start(
            BenchEngine.Options.of(LatencyModel.ZERO)
                .store(new ForwardingClusterStore(JdbcClusterStore.sqlite(db)) {}))) {
      Cluster template = bench.engine().create(BenchSpecs.small("estate-template"));
      createMany(bench, 5, "warm");
      fill(db, template, 0, 10_000);
      double rate = createMany(bench, 10, "listing");
      figures.detail("estate_create_per_s_10000_by_listing", rate);
      log.printf(
          Locale.ROOT,
          "estate of 10,000 clusters, name lookups by listing every record: %.1f creates/s%n",
          rate);
    }
  }

  private static double createMany(BenchEngine bench, int count, String prefix) {
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      bench.engine().create(BenchSpecs.small(prefix + "-" + i));
    }
    return count / ((System.nanoTime() - t0) / 1e9);
  }

  /** Writes copies {@code from} (inclusive) to {@code to} (exclusive) of the template. */
  private static void fill(Path db, Cluster template, int from, int to) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      c.setAutoCommit(false);
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO clusters (id, name, namespace, state, version, created_at, doc)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        for (int i = from; i < to; i++) {
          Cluster copy =
              Estate.copyOf(template, String.format(Locale.ROOT, "estate%06d", i)).withVersion(1);
          p.setString(1, copy.id());
          p.setString(2, copy.name());
          p.setString(3, copy.namespace());
          p.setString(4, copy.state().name());
          p.setLong(5, copy.version());
          p.setLong(6, copy.createdAt().toEpochMilli());
          p.setString(7, RecordCodec.write(copy));
          p.addBatch();
          if ((i - from + 1) % FILL_BATCH == 0) {
            p.executeBatch();
            c.commit();
          }
        }
        p.executeBatch();
        c.commit();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not fill the estate in " + db + ": " + e, e);
    }
  }
}
