package io.tradelake.ingest;

import java.time.LocalDate;

/** A file in the landing area: {@code <input>/<layout>/<day>/<name>}. */
public record RawFile(String layout, LocalDate day, String path, long size, long modificationTime) {}
