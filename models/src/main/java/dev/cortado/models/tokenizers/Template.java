package dev.cortado.models.tokenizers;

import java.util.ArrayList;
import java.util.List;

/**
 * The post-processor: how the special tokens surround one sequence or a pair, with the type id of every
 * part, e.g. BERT's {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]} with type ids 0 for the first
 * three parts and 1 for the last two. Hugging Face's {@code TemplateProcessing}, {@code BertProcessing} and
 * {@code RobertaProcessing} all become one of these.
 *
 * @param single the template for one sequence
 * @param pair   the template for a pair
 */
public record Template(List<Part> single, List<Part> pair) {

    /** One part of a template: fixed special token ids, or the input sequence A (0) or B (1). */
    public record Part(int[] specialIds, int sequence, int typeId) {
        public static Part special(int typeId, int... ids) {
            return new Part(ids, -1, typeId);
        }

        public static Part sequence(int which, int typeId) {
            return new Part(new int[0], which, typeId);
        }
    }

    public Template {
        single = List.copyOf(single);
        pair = List.copyOf(pair);
    }

    /** No special tokens: a single sequence as it is, a pair as A then B with type ids 0 and 1. */
    public static Template none() {
        return new Template(List.of(Part.sequence(0, 0)), List.of(Part.sequence(0, 0), Part.sequence(1, 1)));
    }

    /** The number of special tokens added to one sequence or to a pair. */
    public int addedTokens(boolean isPair) {
        int count = 0;
        for (Part part : isPair ? pair : single) {
            count += part.specialIds().length;
        }
        return count;
    }

    /** Assembles the final ids and type ids from the token ids of A and (for a pair) B. */
    Encoding apply(int[] a, int[] b) {
        List<Part> parts = b == null ? single : pair;
        List<int[]> chunks = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        int total = 0;
        for (Part part : parts) {
            int[] chunk = part.sequence() < 0 ? part.specialIds() : part.sequence() == 0 ? a : b;
            chunks.add(chunk);
            types.add(part.typeId());
            total += chunk.length;
        }
        int[] ids = new int[total];
        int[] typeIds = new int[total];
        int[] mask = new int[total];
        int at = 0;
        for (int i = 0; i < chunks.size(); i++) {
            int[] chunk = chunks.get(i);
            System.arraycopy(chunk, 0, ids, at, chunk.length);
            java.util.Arrays.fill(typeIds, at, at + chunk.length, types.get(i));
            at += chunk.length;
        }
        java.util.Arrays.fill(mask, 1);
        return new Encoding(ids, typeIds, mask);
    }
}
