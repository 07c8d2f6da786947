package dev.cortado.tornado.graphs;

/** The task names shared by the graphs that declare a task and the grid schedulers that size it. */
public final class TaskNames {
    public static final String SGEMM = "sgemm";
    public static final String BINARY = "binary";
    public static final String UNARY = "unary";
    public static final String UNARY_BACKWARD = "unaryBackward";
    public static final String REDUCE = "reduce";
    public static final String SOFTMAX = "softmax";
    public static final String SOFTMAX_BACKWARD = "softmaxBackward";
    public static final String LAYER_NORM = "layerNorm";
    public static final String LAYER_NORM_BACKWARD = "layerNormBackward";
    public static final String LAYER_NORM_PARAM_GRADS = "layerNormParamGrads";
    public static final String ADAM = "adam";
    public static final String GATHER = "gather";
    public static final String SCATTER_ADD = "scatterAdd";
    public static final String CONV2D = "conv2d";
    public static final String CONV2D_INPUT_GRAD = "conv2dInputGrad";
    public static final String CONV2D_WEIGHT_GRAD = "conv2dWeightGrad";
    public static final String IM2COL = "im2col";
    public static final String COL2IM = "col2im";
    public static final String CONV_BIAS = "convBias";

    private TaskNames() {
    }
}
