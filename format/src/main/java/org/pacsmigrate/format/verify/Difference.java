package org.pacsmigrate.format.verify;

/**
 * One way two data sets differ: where (an element path such as "00540016/0/00181072") and what, in words that
 * carry no attribute values, since those are patient data.
 */
public record Difference(String path, String what) {
  @Override
  public String toString() {
    return path + ": " + what;
  }
}
