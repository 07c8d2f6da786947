package dev.cortado.models.tokenizers;

import java.util.Arrays;
import java.util.List;

/**
 * Padding of a batch to one length: the longest encoding of the batch ({@code length == 0}) or a fixed
 * {@code length} (an encoding already longer stays as it is), rounded up to a multiple of
 * {@code multipleOf} when that is above 0. Padding positions get {@code padId}, {@code padTypeId} and
 * attention mask 0.
 *
 * @param length     the fixed length, or 0 for the longest in the batch
 * @param multipleOf round the length up to a multiple of this (0: no rounding)
 * @param padLeft    pad at the start instead of the end
 * @param padId      the id of the padding token
 * @param padTypeId  the type id of padding positions
 */
public record Padding(int length, int multipleOf, boolean padLeft, int padId, int padTypeId) {

    public Padding {
        if (length < 0 || multipleOf < 0) {
            throw new IllegalArgumentException("Padding: length " + length + " and multipleOf " + multipleOf
                    + " must be >= 0");
        }
    }

    /** Pads to the longest encoding of the batch at the end with {@code padId}. */
    public static Padding longest(int padId) {
        return new Padding(0, 0, false, padId, 0);
    }

    /** Pads to {@code length} at the end with {@code padId}. */
    public static Padding fixed(int length, int padId) {
        return new Padding(length, 0, false, padId, 0);
    }

    List<Encoding> apply(List<Encoding> batch) {
        int target = length;
        if (target == 0) {
            for (Encoding encoding : batch) {
                target = Math.max(target, encoding.length());
            }
        }
        if (multipleOf > 0 && target % multipleOf != 0) {
            target += multipleOf - target % multipleOf;
        }
        final int to = target;
        return batch.stream().map(encoding -> pad(encoding, to)).toList();
    }

    private Encoding pad(Encoding encoding, int to) {
        int n = encoding.length();
        if (n >= to) {
            return encoding;
        }
        int offset = padLeft ? to - n : 0;
        return new Encoding(padded(encoding.ids(), to, offset, padId),
                padded(encoding.typeIds(), to, offset, padTypeId), padded(encoding.attentionMask(), to, offset, 0));
    }

    private static int[] padded(int[] values, int to, int offset, int fill) {
        int[] out = new int[to];
        Arrays.fill(out, fill);
        System.arraycopy(values, 0, out, offset, values.length);
        return out;
    }
}
