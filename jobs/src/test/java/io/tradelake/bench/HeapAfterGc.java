package io.tradelake.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The peak of the heap in use just after a collection, from the JVM's GC notifications: what the JVM holds
 * on to (driver state, and in local mode the executor's cached blocks and task buffers), which is what grows
 * when memory grows with input. The sum of the pools' own peaks is an upper bound that also counts garbage
 * not yet collected (eden fills up before every young collection, whatever the data size).
 */
final class HeapAfterGc {

  private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
  private final AtomicLong peak = new AtomicLong();

  /** Listens to every collector of this JVM from now on. */
  static HeapAfterGc install() {
    HeapAfterGc tracker = new HeapAfterGc();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, handback) -> tracker.collected(n), null, null);
    }
    return tracker;
  }

  private void collected(Notification n) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
        .getGcInfo().getMemoryUsageAfterGc();
    long used = after.entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
        .mapToLong(e -> e.getValue().getUsed()).sum();
    peak.accumulateAndGet(used, Math::max);
  }

  void reset() {
    peak.set(0);
  }

  double peakMb() {
    return peak.get() / 1e6;
  }
}
