package org.pacsmigrate.format.dicom;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an element sits in a data set: the sequence tags and item indexes above it, then its own tag.
 * Written as "00540016/0/00181072" (item indexes from 0), which is also how the archive names bulk data.
 */
public final class ElementPath {
  private final int[] steps; // tag, item, tag, item, ..., tag

  private ElementPath(int[] steps) {
    this.steps = steps;
  }

  public static ElementPath of(int tag) {
    return new ElementPath(new int[] {tag});
  }

  /** The path of an element inside item {@code itemIndex} of the sequence this path names. */
  public ElementPath child(int itemIndex, int tag) {
    int[] s = java.util.Arrays.copyOf(steps, steps.length + 2);
    s[steps.length] = itemIndex;
    s[steps.length + 1] = tag;
    return new ElementPath(s);
  }

  public int tag() {
    return steps[steps.length - 1];
  }

  public int depth() {
    return steps.length / 2;
  }

  public List<Integer> sequenceTags() {
    List<Integer> tags = new ArrayList<>();
    for (int i = 0; i < steps.length - 1; i += 2) {
      tags.add(steps[i]);
    }
    return tags;
  }

  public List<Integer> itemIndexes() {
    List<Integer> items = new ArrayList<>();
    for (int i = 1; i < steps.length; i += 2) {
      items.add(steps[i]);
    }
    return items;
  }

  public static ElementPath parse(String text) {
    String[] parts = text.split("/");
    if (parts.length % 2 == 0) {
      throw new IllegalArgumentException("not an element path: " + text);
    }
    int[] s = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      s[i] = i % 2 == 0 ? Tag.parseHex(parts[i]) : Integer.parseInt(parts[i]);
      if (i % 2 == 1 && s[i] < 0) {
        throw new IllegalArgumentException("negative item index in " + text);
      }
    }
    return new ElementPath(s);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < steps.length; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(i % 2 == 0 ? Tag.toHex(steps[i]) : Integer.toString(steps[i]));
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ElementPath p && java.util.Arrays.equals(steps, p.steps);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(steps);
  }
}
