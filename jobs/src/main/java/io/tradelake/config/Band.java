package io.tradelake.config;

/** A named, inclusive integer range: a generation cohort by birth year or an age band by age. */
public record Band(String name, int from, int to) {}
