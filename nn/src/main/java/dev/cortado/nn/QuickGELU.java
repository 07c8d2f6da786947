package dev.cortado.nn;

import dev.cortado.autograd.MathOps;
import dev.cortado.autograd.Variable;

/** x·σ(1.702x), the GELU approximation of OpenAI's CLIP (Hendrycks and Gimpel, 2016, §2). */
public class QuickGELU extends Module {
    @Override
    public Variable forward(Variable x) {
        return Functional.quickGelu(x);
    }
}
