package org.deepline.training;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * SMOTE's approximate neighbour search over an {@link RpForest}, in plain Java: the pieces the Spark
 * code in {@link ForestSmote} runs on the executors, and a whole search over an in-memory array that
 * the tests (and a benchmark) compare with the brute-force one.
 *
 * <p>Per tree, the rows of each leaf are compared with each other by brute force ({@link
 * #withinBlock}), and every row keeps its {@code k} nearest ({@link Nearest}: by distance, ties by
 * id, as the exact search); a row's neighbours are the {@code k} nearest of what its leaves in all
 * trees found. A row is compared with about {@code trees x leaf rows} others instead of all.
 *
 * <p><b>Bounded leaves.</b> A leaf's rows arrive sorted by (hash, id); {@link LeafBlocks} cuts a leaf
 * of more than {@code maxLeafRows} rows (identical rows the tree could not split, a part of the data
 * the sample under-represented) into blocks of between half of and {@code maxLeafRows} rows, in that
 * order, and compares within each block only: memory and time stay bounded whatever the skew, the
 * blocks depend on the rows only (not on their partitioning), and rows that identical are all equally
 * near, so any block of them holds true neighbours.
 *
 * <pre>{@code
 * ForestNeighbours.Result result = ForestNeighbours.search(rows, ids, hashes, scale, forest, 5, 256);
 * result.neighbours()[i].ids();   // row i's 5 nearest candidates, nearest first
 * }</pre>
 */
public final class ForestNeighbours {
  private ForestNeighbours() {}

  /**
   * The k nearest candidates offered so far, nearest first (ties by id), each id once: a candidate
   * offered again (found in another tree) is the same pair at the same distance.
   */
  public static final class Nearest implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] ids;
    private final double[] distances;
    private int size;

    public Nearest(int k) {
      ids = new String[k];
      distances = new double[k];
    }

    /** Offers {@code id} at squared distance {@code distance}; false when it is not kept. */
    public boolean offer(String id, double distance) {
      int k = ids.length;
      if (k == 0 || (size == k && !Smote.closer(distance, id, distances[k - 1], ids[k - 1]))) {
        return false;
      }
      for (int i = 0; i < size; i++) {
        if (distances[i] == distance && ids[i].equals(id)) {
          return false;
        }
      }
      int at = size == k ? k - 1 : size++;
      while (at > 0 && Smote.closer(distance, id, distances[at - 1], ids[at - 1])) {
        ids[at] = ids[at - 1];
        distances[at] = distances[at - 1];
        at--;
      }
      ids[at] = id;
      distances[at] = distance;
      return true;
    }

    public void offerAll(Nearest other) {
      for (int i = 0; i < other.size; i++) {
        offer(other.ids[i], other.distances[i]);
      }
    }

    public int size() {
      return size;
    }

    public String[] ids() {
      return Arrays.copyOf(ids, size);
    }

    public double[] distances() {
      return Arrays.copyOf(distances, size);
    }
  }

  /** Every row's {@code k} nearest among the other rows of one block, by brute force. */
  public static Nearest[] withinBlock(List<SparseRow> rows, List<String> ids, double[] scale,
      int k) {
    int m = rows.size();
    Nearest[] out = new Nearest[m];
    for (int i = 0; i < m; i++) {
      out[i] = new Nearest(k);
    }
    for (int i = 0; i < m; i++) {
      SparseRow a = rows.get(i);
      for (int j = i + 1; j < m; j++) {
        double distance = SparseRow.squaredDistance(a, rows.get(j), scale);
        out[i].offer(ids.get(j), distance);
        out[j].offer(ids.get(i), distance);
      }
    }
    return out;
  }

  /**
   * Cuts a stream of items sorted by group (then by hash and id) into the blocks compared by brute
   * force: a group of at most {@code maxRows} items is one block; a larger one is cut into blocks of
   * {@code maxRows} while more than {@code 2 x maxRows} items are buffered, and the last
   * {@code maxRows + 1} to {@code 2 x maxRows} into two halves. At most {@code 2 x maxRows} items are
   * held at any time.
   *
   * <pre>{@code
   * LeafBlocks<Row> blocks = new LeafBlocks<>(256);
   * for (Row row : sortedRows) blocks.add(key(row), row, this::compare);
   * blocks.finish(this::compare);
   * }</pre>
   */
  public static final class LeafBlocks<T> {
    private final int maxRows;
    private final List<T> buffer = new ArrayList<>();
    private long key;
    private boolean open;

    public LeafBlocks(int maxRows) {
      if (maxRows < 1) {
        throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
      }
      this.maxRows = maxRows;
    }

    /** Adds the next item, of group {@code group}; completed blocks go to {@code sink}. */
    public void add(long group, T item, Consumer<List<T>> sink) {
      if (open && group != key) {
        finish(sink);
      }
      key = group;
      open = true;
      if (buffer.size() == 2 * maxRows) {
        List<T> first = buffer.subList(0, maxRows);
        sink.accept(new ArrayList<>(first));
        first.clear();
      }
      buffer.add(item);
    }

    /** Ends the current group: its last one or two blocks go to {@code sink}. */
    public void finish(Consumer<List<T>> sink) {
      if (!open) {
        return;
      }
      if (buffer.size() <= maxRows) {
        sink.accept(new ArrayList<>(buffer));
      } else {
        int half = buffer.size() / 2;
        sink.accept(new ArrayList<>(buffer.subList(0, half)));
        sink.accept(new ArrayList<>(buffer.subList(half, buffer.size())));
      }
      buffer.clear();
      open = false;
    }
  }

  /** A group key of (tree, leaf). */
  public static long group(int tree, int leaf) {
    return ((long) tree << Integer.SIZE) | (leaf & 0xffffffffL);
  }

  /**
   * A whole search.
   *
   * @param neighbours  every row's k nearest candidates
   * @param comparisons distances computed, each pair counted once per row and tree it was compared
   *                    in (the search's cost: about {@code rows x trees x leaf rows})
   */
  public record Result(Nearest[] neighbours, long comparisons) {}

  /**
   * The forest search over rows held in memory, as the Spark code runs it: per tree, the rows in
   * (leaf, hash, id) order, cut into blocks of at most {@code maxLeafRows}, brute force in each.
   */
  public static Result search(SparseRow[] rows, String[] ids, long[] hashes, double[] scale,
      RpForest forest, int k, int maxLeafRows) {
    int n = rows.length;
    Nearest[] out = new Nearest[n];
    for (int i = 0; i < n; i++) {
      out[i] = new Nearest(k);
    }
    long[] comparisons = new long[1];
    for (int tree = 0; tree < forest.trees(); tree++) {
      int[] leaf = new int[n];
      for (int i = 0; i < n; i++) {
        leaf[i] = forest.leaf(tree, rows[i]);
      }
      Integer[] order = new Integer[n];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, Comparator.<Integer>comparingInt(i -> leaf[i])
          .thenComparingLong(i -> hashes[i]).thenComparing(i -> ids[i]));
      LeafBlocks<Integer> blocks = new LeafBlocks<>(maxLeafRows);
      Consumer<List<Integer>> compare = block -> {
        Nearest[] local = withinBlock(block.stream().map(i -> rows[i]).toList(),
            block.stream().map(i -> ids[i]).toList(), scale, k);
        for (int i = 0; i < block.size(); i++) {
          out[block.get(i)].offerAll(local[i]);
        }
        comparisons[0] += (long) block.size() * (block.size() - 1);
      };
      for (int i : order) {
        blocks.add(leaf[i], i, compare);
      }
      blocks.finish(compare);
    }
    return new Result(out, comparisons[0]);
  }

  /** The exact k nearest of row {@code query} among {@code rows} (itself excluded), brute force. */
  public static Nearest exact(int query, SparseRow[] rows, String[] ids, double[] scale, int k) {
    Nearest out = new Nearest(k);
    for (int i = 0; i < rows.length; i++) {
      if (i != query) {
        out.offer(ids[i], SparseRow.squaredDistance(rows[query], rows[i], scale));
      }
    }
    return out;
  }

  /**
   * The share of a row's exact k nearest neighbours that the search matched: a found neighbour
   * counts when it is no farther than the exact k-th (a row tied with it is as near, whichever id
   * the exact search kept); NaN for a row without any other row.
   */
  public static double recall(Nearest exact, Nearest found) {
    if (exact.size() == 0) {
      return Double.NaN;
    }
    double kth = exact.distances[exact.size() - 1];
    int hits = 0;
    for (int i = 0; i < found.size(); i++) {
      hits += found.distances[i] <= kth ? 1 : 0;
    }
    return Math.min(hits, exact.size()) / (double) exact.size();
  }
}
