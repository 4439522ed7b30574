package io.clusterlifecycle.spi.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What a SQLite failure is reported as: the message says what to do about it. */
class StoreErrorsTest {
  private final StoreErrors errors =
      new StoreErrors(Dialect.SQLITE, "/home/u/.lifecycle/lifecycle.db", "/x/lifecycle.db");

  private static SQLException sqlite(String name, int code) {
    return new SQLException("[" + name + "] disk I/O error", null, code);
  }

  @Test
  void aFullDiskSeenAsAnIoErrorGrowingTheSharedMemoryFile_saysToFreeSpace() {
    // SQLITE_IOERR_SHMSIZE = SQLITE_IOERR | 19 << 8: what a full disk gave in WAL mode
    LifecycleException e =
        errors.translate("store cluster c1", sqlite("SQLITE_IOERR_SHMSIZE", 4874));

    assertThat(e)
        .isNotInstanceOf(TransientSpiException.class)
        .hasMessageContaining("is full or cannot be written")
        .hasMessageContaining("free some space")
        .hasMessageNotContaining("nothing but this store");
  }

  @Test
  void sqliteFull_andAWriteError_areReportedTheSameWay() {
    assertThat(errors.translate("append to the journal", sqlite("SQLITE_FULL", 13)))
        .hasMessageContaining("is full or cannot be written");
    // SQLITE_IOERR_WRITE = SQLITE_IOERR | 3 << 8
    assertThat(errors.translate("append to the journal", sqlite("SQLITE_IOERR_WRITE", 778)))
        .hasMessageContaining("is full or cannot be written");
  }

  @Test
  void aBusyDatabase_isTransient() {
    assertThat(errors.translate("read cluster c1", sqlite("SQLITE_BUSY", 5)))
        .isInstanceOf(TransientSpiException.class);
  }
}
