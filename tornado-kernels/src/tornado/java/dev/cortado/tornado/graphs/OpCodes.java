package dev.cortado.tornado.graphs;

import dev.cortado.tensor.backend.BinaryOp;
import dev.cortado.tensor.backend.ReduceOp;
import dev.cortado.tensor.backend.UnaryOp;
import dev.cortado.tornado.kernels.ElementwiseKernels;
import dev.cortado.tornado.kernels.RowKernels;

/** tensor-core's op enums as the int codes the kernels branch on (kernels cannot take Java enums). */
final class OpCodes {
    private OpCodes() {
    }

    static int of(BinaryOp op) {
        return switch (op) {
            case ADD -> ElementwiseKernels.ADD;
            case SUB -> ElementwiseKernels.SUB;
            case MUL -> ElementwiseKernels.MUL;
            case DIV -> ElementwiseKernels.DIV;
            case POW -> ElementwiseKernels.POW;
            case MAXIMUM -> ElementwiseKernels.MAXIMUM;
            case MINIMUM -> ElementwiseKernels.MINIMUM;
        };
    }

    static int of(UnaryOp op) {
        return switch (op) {
            case NEG -> ElementwiseKernels.NEG;
            case ABS -> ElementwiseKernels.ABS;
            case EXP -> ElementwiseKernels.EXP;
            case LOG -> ElementwiseKernels.LOG;
            case SQRT -> ElementwiseKernels.SQRT;
            case RSQRT -> ElementwiseKernels.RSQRT;
            case RECIPROCAL -> ElementwiseKernels.RECIPROCAL;
            case SQUARE -> ElementwiseKernels.SQUARE;
            case TANH -> ElementwiseKernels.TANH;
            case SIGMOID -> ElementwiseKernels.SIGMOID;
            case RELU -> ElementwiseKernels.RELU;
            case GELU_ERF -> ElementwiseKernels.GELU_ERF;
            case GELU_TANH -> ElementwiseKernels.GELU_TANH;
            case SILU -> ElementwiseKernels.SILU;
            case SIN -> ElementwiseKernels.SIN;
            case COS -> ElementwiseKernels.COS;
            case ERF -> ElementwiseKernels.ERF;
        };
    }

    static int of(ReduceOp op) {
        return switch (op) {
            case SUM -> RowKernels.SUM;
            case MEAN -> RowKernels.MEAN;
            case MAX -> RowKernels.MAX;
            case MIN -> RowKernels.MIN;
            case LOGSUMEXP -> RowKernels.LOGSUMEXP;
        };
    }
}
