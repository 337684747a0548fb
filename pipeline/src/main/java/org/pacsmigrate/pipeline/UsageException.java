package org.pacsmigrate.pipeline;

/** Arguments the job cannot run with; the message says which and why. Exit code 2. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
