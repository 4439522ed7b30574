package io.clusterlifecycle.codec;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The cron recurrences of scheduled policies (docs/design.md §6.14): five Unix fields (minute,
 * hour, day of month, month, day of week), read in UTC, through cron-utils. Thread-safe.
 */
public final class Recurrences {
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** How far ahead a recurrence must fire at least once: four years covers every 29 February. */
  private static final int HORIZON_YEARS = 5;

  private Recurrences() {}

  /**
   * What is wrong with a recurrence.
   *
   * @param cron the expression
   * @return why it is refused (it does not parse, or never fires), or empty when it is valid
   */
  public static Optional<String> problem(String cron) {
    Cron parsed;
    try {
      parsed = PARSER.parse(cron);
    } catch (IllegalArgumentException e) {
      return Optional.of("is not a valid cron expression ('" + cron + "'): " + e.getMessage());
    }
    ZonedDateTime from = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    Optional<ZonedDateTime> next = ExecutionTime.forCron(parsed).nextExecution(from);
    if (next.isEmpty() || next.get().isAfter(from.plusYears(HORIZON_YEARS))) {
      return Optional.of("never fires ('" + cron + "' names no date that exists)");
    }
    return Optional.empty();
  }

  /**
   * When a recurrence next fires.
   *
   * @param cron a valid expression
   * @param after the time to look from, exclusive
   * @return the next firing after {@code after}, or empty when there is none
   * @throws IllegalArgumentException if the expression does not parse
   */
  public static Optional<Instant> next(String cron, Instant after) {
    return ExecutionTime.forCron(PARSER.parse(cron))
        .nextExecution(after.atZone(ZoneOffset.UTC))
        .map(ZonedDateTime::toInstant);
  }
}
