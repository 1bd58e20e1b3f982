package dev.tracklight.operators.highlights;

import java.util.Arrays;

/**
 * The class ids a rule watches; {@link #ALL} matches every class. Immutable; {@link #matches} is a
 * scan of a tiny sorted array (rules name a handful of classes), cheaper than boxing into a set on
 * the per-track hot path.
 */
public final class ClassFilter implements java.io.Serializable {

  private static final long serialVersionUID = 1L;

  /** Matches every class (a rule without a {@code classes} key). */
  public static final ClassFilter ALL = new ClassFilter(null);

  /** Sorted distinct ids, or {@code null} for all classes. */
  private final int[] ids;

  private ClassFilter(int[] ids) {
    this.ids = ids;
  }

  /** A filter for exactly these class ids (duplicates ignored); empty is not allowed. */
  public static ClassFilter of(int... classIds) {
    if (classIds.length == 0) {
      throw new IllegalArgumentException("a class filter needs at least one class");
    }
    return new ClassFilter(Arrays.stream(classIds).sorted().distinct().toArray());
  }

  public boolean matches(int classId) {
    if (ids == null) {
      return true;
    }
    for (int id : ids) {
      if (id == classId) {
        return true;
      }
    }
    return false;
  }

  public boolean isAll() {
    return ids == null;
  }

  /** The sorted ids (a copy), empty for {@link #ALL}. */
  public int[] ids() {
    return ids == null ? new int[0] : ids.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassFilter f && Arrays.equals(ids, f.ids);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return ids == null ? "all" : Arrays.toString(ids);
  }
}
