package io.clusterlifecycle.spi.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {
  @Test
  void userInformationAndPasswordParametersAreHidden() {
    assertThat(JdbcUrls.redacted("jdbc:postgresql://bob:s3cret@db:5432/lc?sslmode=require"))
        .isEqualTo("jdbc:postgresql://***@db:5432/lc?sslmode=require");
    assertThat(JdbcUrls.redacted("jdbc:postgresql://db/lc?user=bob&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/lc?user=bob&password=***&ssl=true");
    assertThat(JdbcUrls.redacted("jdbc:sqlite:/tmp/lc.db")).isEqualTo("jdbc:sqlite:/tmp/lc.db");
    assertThat(JdbcUrls.redacted(null)).isNull();
  }
}
