package org.pacsmigrate.transforms.reconcile;

/**
 * The resolutions file names a study or an attribute that has no finding, or a value that cannot be used. Thrown
 * in the job before any study is archived; the message names rows by line, study and attribute, never by value.
 */
public final class ResolutionsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ResolutionsException(String message) {
    super(message);
  }
}
