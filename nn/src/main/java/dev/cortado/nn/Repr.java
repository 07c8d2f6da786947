package dev.cortado.nn;

import java.math.BigDecimal;

/** Number and shape text as PyTorch's module printouts write them (Python's repr of floats and tuples). */
final class Repr {
    private Repr() {
    }

    /**
     * A float as Python's {@code repr} writes the same value: the shortest digits that identify it,
     * positional for decimal exponents in [-4, 16), else scientific with a two-digit exponent
     * ({@code 0.1}, {@code 1.0}, {@code 1e-05}, {@code 1e+16}).
     */
    static String number(float value) {
        if (Float.isNaN(value)) {
            return "nan";
        }
        if (Float.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Float.toString(value)).stripTrailingZeros();
        int exponent = exact.precision() - exact.scale() - 1;
        if (exponent < -4 || exponent >= 16) {
            String digits = exact.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String sign = value < 0 ? "-" : "";
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = exact.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    /** {@code True} or {@code False}. */
    static String bool(boolean value) {
        return value ? "True" : "False";
    }

    /** {@code 3} for a square size, {@code (3, 2)} otherwise, as PyTorch prints an int or a tuple. */
    static String pair(int h, int w) {
        return h == w ? String.valueOf(h) : "(" + h + ", " + w + ")";
    }

    /** A shape as a Python tuple: {@code (8,)}, {@code (2, 3)}. */
    static String tuple(int[] values) {
        if (values.length == 1) {
            return "(" + values[0] + ",)";
        }
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            out.append(i > 0 ? ", " : "").append(values[i]);
        }
        return out.append(')').toString();
    }
}
