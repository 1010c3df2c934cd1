package org.deepline.training;

/** One epoch of training as seen on the validation split. */
public record EpochMetrics(int epoch, double validationRocAuc, double validationPrAuc,
    double validationLoss, long millis) {}
