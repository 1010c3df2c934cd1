package org.deepline.core;

/** A Delta table a run read or wrote, with the version it saw: enough to reproduce the run's input. */
public record TableRef(String path, long version) {}
