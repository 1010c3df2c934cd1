package org.deepline.core;

import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;

/**
 * What a stage tells the progress display about itself beyond Spark's task counts (training's epoch
 * and batch, its last validation loss), carried as Spark local properties: every job the stage's
 * thread starts afterwards holds them in its properties, so the progress listener reads them from
 * the job-start event instead of parsing log lines, and a stage never calls into the display.
 */
public final class ProgressNotes {
  /** Where training is: {@code epoch 3/15 batch 12/40 loss 0.4123}. */
  public static final String POSITION = "deepline.progress.position";
  /** The last finished epoch's validation scores: {@code val_loss 0.4012 val_auc 0.8311}. */
  public static final String VALIDATION = "deepline.progress.validation";
  /** Every note, in display order; the recorder clears them when a stage ends. */
  public static final List<String> KEYS = List.of(POSITION, VALIDATION);

  private ProgressNotes() {}

  /** Sets a note for the jobs the calling thread starts from now on (null clears it). */
  public static void set(SparkContext spark, String key, String note) {
    spark.setLocalProperty(key, note);
  }

  /** A job's notes joined by a space, or an empty string when it carries none. */
  public static String of(Properties jobProperties) {
    if (jobProperties == null) {
      return "";
    }
    return KEYS.stream().map(jobProperties::getProperty).filter(Objects::nonNull)
        .collect(Collectors.joining(" "));
  }
}
