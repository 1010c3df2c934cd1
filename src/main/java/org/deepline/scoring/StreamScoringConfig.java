package org.deepline.scoring;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import org.deepline.core.ConfigErrors;

/**
 * Streaming scoring ({@code score-stream}): how often the stream looks for new silver rows, how much
 * it takes at once and where it keeps its progress.
 *
 * <pre>{@code
 * "scoring": {"stream": {"trigger": "interval", "interval_seconds": 30, "run_minutes": 60}}
 * }</pre>
 *
 * @param trigger            {@value #AVAILABLE_NOW}: score every row landed since the last run, then
 *                           stop (a scheduler's job); {@value #INTERVAL}: look again every
 *                           {@code intervalSeconds}
 * @param intervalSeconds    {@value #INTERVAL} only: seconds between two looks at silver
 * @param runMinutes         {@value #INTERVAL} only: stop after this long (the batch under way let
 *                           finish) and record the run; unset, the stream runs until it is stopped
 * @param maxFilesPerTrigger silver data files one micro-batch reads at most
 * @param checkpoint         where the stream keeps its progress; the warehouse's
 *                           {@code <dataset>/streams/score/checkpoint} when unset
 */
public record StreamScoringConfig(
    @JsonPropertyDescription("`available_now`: score every silver row landed since the last run "
        + "(the first run: every row silver holds) in micro-batches, then stop, as a scheduled "
        + "job does; `interval`: look for new rows every `interval_seconds` until stopped or "
        + "`run_minutes` have passed. Allowed: `available_now`, `interval`. When unset: "
        + "`available_now`.")
    String trigger,
    @JsonPropertyDescription("`interval` only: seconds between two looks at silver. Allowed: "
        + "`> 0`. When unset: 60.")
    Integer intervalSeconds,
    @JsonPropertyDescription("`interval` only: stop after this many minutes (the batch under way "
        + "is let finish and commit first) and write the run record. Allowed: `> 0`. When unset: the "
        + "stream runs until its process is stopped, and a run record is written only for a run "
        + "that ends.")
    Double runMinutes,
    @JsonPropertyDescription("Silver data files one micro-batch reads at most (Delta's "
        + "`maxFilesPerTrigger`): smaller batches commit sooner. Allowed: `> 0`. When unset: "
        + "Delta's 1000.")
    Integer maxFilesPerTrigger,
    @JsonPropertyDescription("Where the stream keeps its progress (Spark's checkpoint): the next "
        + "run goes on from the last silver version it scored. A new location scores every row "
        + "silver holds again, into new rows. Allowed: a path or URI. When unset: "
        + "`<warehouse>/<dataset>/streams/score/checkpoint`.")
    String checkpoint) {
  public static final String AVAILABLE_NOW = "available_now";
  public static final String INTERVAL = "interval";
  /** A look a minute: new rows wait at most that long, and an idle stream costs one log read. */
  public static final int DEFAULT_INTERVAL_SECONDS = 60;

  public StreamScoringConfig {
    trigger = trigger == null ? AVAILABLE_NOW : trigger;
  }

  public static StreamScoringConfig defaults() {
    return new StreamScoringConfig(null, null, null, null, null);
  }

  /** Whether the stream stops once it has scored what silver holds. */
  public boolean stopsWhenCaughtUp() {
    return AVAILABLE_NOW.equals(trigger);
  }

  public int intervalSecondsOrDefault() {
    return intervalSeconds != null ? intervalSeconds : DEFAULT_INTERVAL_SECONDS;
  }

  public void validate(ConfigErrors errors) {
    errors.requireOneOf(trigger, List.of(AVAILABLE_NOW, INTERVAL), "trigger");
    boolean interval = INTERVAL.equals(trigger);
    if (intervalSeconds != null) {
      errors.require(interval, "interval_seconds", "only with trigger " + INTERVAL);
      errors.requirePositive(intervalSeconds, "interval_seconds");
    }
    if (runMinutes != null) {
      errors.require(interval, "run_minutes", "only with trigger " + INTERVAL + " ("
          + AVAILABLE_NOW + " stops when it has scored every new row)");
      errors.require(runMinutes > 0 && Double.isFinite(runMinutes), "run_minutes",
          "must be > 0, got " + runMinutes);
    }
    if (maxFilesPerTrigger != null) {
      errors.requirePositive(maxFilesPerTrigger, "max_files_per_trigger");
    }
    if (checkpoint != null) {
      errors.require(!checkpoint.isBlank(), "checkpoint", "must not be blank");
    }
  }
}
