package dev.cortado.models.tokenizers;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-pair encoding as CLIP (and GPT-2) use it. A word starts as one symbol per character, the last one
 * carrying the end-of-word suffix ({@code </w>} for CLIP, so {@code a} at a word's end is another token than
 * {@code a} inside it); then the adjacent pair with the lowest merge rank is merged, again and again, until no
 * adjacent pair has a merge. Ties (the same pair at several places) merge from the left. A character missing
 * from the vocabulary becomes the unknown token (several in a row fuse into one when {@code fuseUnknown}).
 *
 * <p>The pairs wait in a priority queue keyed by (rank, position), so a word of n characters costs
 * O(n log n), and results are cached for up to {@value #CACHE_CAPACITY} distinct words.
 */
public final class Bpe implements TokenModel {

    static final int CACHE_CAPACITY = 10_000;

    private final Map<String, Integer> vocab;
    /** (left id, right id) packed in a long → (rank, merged id) packed in a long. */
    private final Map<Long, Long> merges;
    private final Integer unknownId;
    private final String endOfWordSuffix;
    private final boolean fuseUnknown;
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab           token → id
     * @param merges          the merges by rank: {@code merges[r] = {left, right}}; each side and their
     *                        concatenation must be in {@code vocab}
     * @param unknownToken    the token for characters outside the vocabulary, or null to drop them
     * @param endOfWordSuffix appended to a word's last character ({@code ""} for none)
     * @param fuseUnknown     fuse consecutive unknown characters into one unknown token
     * @param ignoreMerges    a word that is itself in the vocabulary is taken whole, without merging
     * @throws IllegalArgumentException naming the merge whose parts or result are not in the vocabulary
     */
    public Bpe(Map<String, Integer> vocab, String[][] merges, String unknownToken, String endOfWordSuffix,
               boolean fuseUnknown, boolean ignoreMerges) {
        this.vocab = Map.copyOf(vocab);
        this.merges = new HashMap<>(merges.length * 2);
        for (int rank = 0; rank < merges.length; rank++) {
            Integer left = vocab.get(merges[rank][0]);
            Integer right = vocab.get(merges[rank][1]);
            Integer merged = vocab.get(merges[rank][0] + merges[rank][1]);
            if (left == null || right == null || merged == null) {
                throw new IllegalArgumentException("BPE merge " + rank + " '" + merges[rank][0] + " "
                        + merges[rank][1] + "': a part or the merged token is not in the vocabulary");
            }
            this.merges.putIfAbsent(pair(left, right), pair(rank, merged));
        }
        this.unknownId = unknownToken == null ? null : vocab.get(unknownToken);
        if (unknownToken != null && unknownId == null) {
            throw new IllegalArgumentException("BPE unknown token '" + unknownToken + "' is not in the vocabulary");
        }
        this.endOfWordSuffix = endOfWordSuffix;
        this.fuseUnknown = fuseUnknown;
        this.ignoreMerges = ignoreMerges;
    }

    private static long pair(int high, int low) {
        return ((long) high << 32) | (low & 0xFFFFFFFFL);
    }

    @Override
    public int[] tokenize(String word) {
        int[] cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        int[] ids = merge(word);
        if (cache.size() < CACHE_CAPACITY) {
            cache.put(word, ids);
        }
        return ids;
    }

    private int[] merge(String word) {
        if (ignoreMerges && vocab.containsKey(word + endOfWordSuffix)) {
            return new int[] {vocab.get(word + endOfWordSuffix)};
        }
        int[] symbols = initialSymbols(word);
        int n = symbols.length;
        // A doubly linked list over the symbol slots; a merged-away slot is marked with -1.
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // Queue entries: {rank, position, merged id}; the smallest rank first, then the leftmost position.
        PriorityQueue<int[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0]
                ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, symbols, i, i + 1);
        }
        while (!queue.isEmpty()) {
            int[] top = queue.poll();
            int at = top[1];
            int right = symbols[at] < 0 ? -1 : next[at];
            // Skip entries made stale by an earlier merge at or next to this position.
            if (right < 0) {
                continue;
            }
            Long current = merges.get(pair(symbols[at], symbols[right]));
            if (current == null || (int) (long) current != top[2]) {
                continue;
            }
            symbols[at] = top[2];
            symbols[right] = -1;
            next[at] = next[right];
            if (next[at] >= 0) {
                prev[next[at]] = at;
                offer(queue, symbols, at, next[at]);
            }
            if (prev[at] >= 0) {
                offer(queue, symbols, prev[at], at);
            }
        }
        return Arrays.stream(symbols).filter(id -> id >= 0).toArray();
    }

    private void offer(PriorityQueue<int[]> queue, int[] symbols, int left, int right) {
        Long merge = merges.get(pair(symbols[left], symbols[right]));
        if (merge != null) {
            queue.add(new int[] {(int) (merge >>> 32), left, (int) (long) merge});
        }
    }

    /** One id per character (the last with the suffix); unknown characters as the unknown id. */
    private int[] initialSymbols(String word) {
        int[] ids = new int[word.length()];
        int count = 0;
        boolean lastWasUnknown = false;
        for (int i = 0; i < word.length(); ) {
            int end = i + Character.charCount(word.codePointAt(i));
            String symbol = end == word.length() ? word.substring(i, end) + endOfWordSuffix : word.substring(i, end);
            Integer id = vocab.get(symbol);
            if (id != null) {
                ids[count++] = id;
                lastWasUnknown = false;
            } else if (unknownId != null && !(fuseUnknown && lastWasUnknown)) {
                ids[count++] = unknownId;
                lastWasUnknown = true;
            }
            i = end;
        }
        return Arrays.copyOf(ids, count);
    }
}
