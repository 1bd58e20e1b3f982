package dev.tracklight.inference;

/**
 * Bad input from a user: a missing or unreadable file, a file of the wrong kind, a model with an
 * unsupported layout, an out-of-range option. The message is one line that names the problem and
 * what was expected; the CLI prints it as is and exits with code 2. Anything else that goes wrong is
 * a bug or an environment failure and surfaces as another exception type.
 */
public class InvalidInputException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
