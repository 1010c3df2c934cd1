package org.deepline.core;

/**
 * A failure the user can act on: bad input, bad config, a missing table or a failed quality gate.
 *
 * <p>The CLI prints {@link #getMessage()} as the one-line reason and exits non-zero, so the message
 * must name the file, field, table or row at fault. Unexpected failures keep their own exception types
 * and are reported with a stack trace instead.
 */
public class DeeplineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DeeplineException(String message) {
    super(message);
  }

  public DeeplineException(String message, Throwable cause) {
    super(message, cause);
  }
}
