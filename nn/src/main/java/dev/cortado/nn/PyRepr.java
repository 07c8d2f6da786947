package dev.cortado.nn;

import java.math.BigDecimal;

/** Numbers and sizes written the way PyTorch's module printout (Python's repr) writes them. */
final class PyRepr {
    private PyRepr() {
    }

    /**
     * The shortest decimal that reads back as {@code value}, in Python's style: plain digits for
     * 1e-4 ≤ |v| < 1e16 ({@code 0.1}, {@code 1.0}), otherwise {@code 1e-05}, {@code 2.5e-07}.
     */
    static String number(float value) {
        if (Float.isNaN(value) || Float.isInfinite(value)) {
            return Float.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
        }
        BigDecimal exact = new BigDecimal(Float.toString(value)).stripTrailingZeros();
        if (exact.signum() == 0) {
            return value == 0f && 1 / value < 0 ? "-0.0" : "0.0";
        }
        int exponent = exact.precision() - exact.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = exact.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (exact.signum() < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + String.format("%02d", Math.abs(exponent));
    }

    /** {@code 3} for a square size, {@code (3, 2)} otherwise, as PyTorch prints an int or a tuple. */
    static String pair(int h, int w) {
        return h == w ? String.valueOf(h) : "(" + h + ", " + w + ")";
    }

    /** Python's {@code True} / {@code False}. */
    static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
