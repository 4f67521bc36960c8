package io.tradelake.config;

import java.util.List;

/** Platform-label patterns (Java regular expressions over the lower-cased label) for one channel. */
public record ChannelRule(String channel, List<String> patterns) {}
