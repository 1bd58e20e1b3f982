package dev.tracklight.inference.model;

/**
 * A model download failed for a reason outside the user's input (network, server, truncated or
 * corrupt transfer). The message is one line saying what failed and what to do instead.
 */
public class ModelFetchException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ModelFetchException(String message) {
    super(message);
  }

  public ModelFetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
