package org.deepline.sampling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A bounded reservoir: of all the items offered, it keeps the {@code k} with the smallest
 * (key, id). With the key a record's seeded hash every record is equally likely to be among them,
 * so the reservoir is a uniform sample of exactly {@code k} (or all, when fewer were offered).
 *
 * <p>Merging is exact: the {@code k} smallest of a union are among the {@code k} smallest of each
 * part, so per-partition reservoirs offered into one give the reservoir of the whole data, whatever
 * the partitioning. Ties of the 64-bit key are broken by the id, so the result is one set.
 *
 * <pre>{@code
 * Reservoir<Row> r = new Reservoir<>(100);
 * rows.forEach(row -> r.offer(SampleKeys.hash(row.getString(0), seed), row.getString(0), row));
 * List<Row> sample = r.items();
 * }</pre>
 *
 * @param <T> what is kept with each key (a Spark row, an id)
 */
public final class Reservoir<T> {
  /** One kept item with its order. */
  public record Entry<T>(long key, String id, T item) {}

  private static final Comparator<Entry<?>> ORDER = Comparator.<Entry<?>>comparingLong(Entry::key)
      .thenComparing(Entry::id, SampleKeys.ID_ORDER);

  private final int capacity;
  /** A max-heap: its head is the largest kept entry, the first to leave. */
  private final PriorityQueue<Entry<T>> heap;

  public Reservoir(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a reservoir holds at least one item, got " + capacity);
    }
    this.capacity = capacity;
    this.heap = new PriorityQueue<>(ORDER.reversed());
  }

  /** Keeps the item if it is among the {@code k} smallest offered so far. */
  public void offer(long key, String id, T item) {
    Entry<T> entry = new Entry<>(key, id, item);
    if (heap.size() < capacity) {
      heap.add(entry);
    } else if (ORDER.compare(entry, heap.peek()) < 0) {
      heap.poll();
      heap.add(entry);
    }
  }

  /** Offers every entry of another reservoir: the merge of two partitions' samples. */
  public void merge(Reservoir<T> other) {
    for (Entry<T> entry : other.heap) {
      offer(entry.key(), entry.id(), entry.item());
    }
  }

  public int size() {
    return heap.size();
  }

  /** The kept entries in (key, id) order. */
  public List<Entry<T>> entries() {
    List<Entry<T>> sorted = new ArrayList<>(heap);
    sorted.sort(ORDER);
    return sorted;
  }

  public List<T> items() {
    return entries().stream().map(Entry::item).toList();
  }
}
