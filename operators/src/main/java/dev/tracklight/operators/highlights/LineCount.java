package dev.tracklight.operators.highlights;

/** Crossings of a line by one class so far: {@code in} and {@code out} (see {@link LineDirection}). */
public record LineCount(int classId, long in, long out) {}
