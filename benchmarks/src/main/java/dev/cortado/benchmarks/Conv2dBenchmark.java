package dev.cortado.benchmarks;

import dev.cortado.tensor.Convolution;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Conv2dParams;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * conv2d forward and both gradients on the default (CPU) backend for two layers that dominate real
 * models:
 * <ul>
 *   <li>{@code resnet3x3}: N=8, C=O=64, 56×56, 3×3 kernel, stride 1, padding 1 (a ResNet stage-1 conv);</li>
 *   <li>{@code vitPatch16}: N=8, C=3, 224×224, O=768, 16×16 kernel, stride 16 (ViT-B/16 patch embedding).</li>
 * </ul>
 * Each op costs {@code 2·N·O·OH·OW·(C/groups)·KH·KW} flops (1.85 G for each layer),
 * so GFLOP/s = that / the reported time. Reference: {@code benchmarks/reference/conv2d_torch.py}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class Conv2dBenchmark {
    @Param({"resnet3x3", "vitPatch16"})
    public String layer;

    private Tensor input;
    private Tensor weight;
    private Tensor bias;
    private Tensor gradOut;
    private Conv2dParams params;

    @Setup
    public void setUp() {
        switch (layer) {
            case "resnet3x3" -> {
                input = Tensor.randn(1, 8, 64, 56, 56);
                weight = Tensor.randn(2, 64, 64, 3, 3);
                params = Conv2dParams.of(1, 1, 1, 1);
            }
            case "vitPatch16" -> {
                input = Tensor.randn(1, 8, 3, 224, 224);
                weight = Tensor.randn(2, 768, 3, 16, 16);
                params = Conv2dParams.of(16, 0, 1, 1);
            }
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        }
        bias = Tensor.randn(3, weight.size(0));
        gradOut = Tensor.randn(4, Convolution.conv2d(input, weight, bias, params).shape());
    }

    @Benchmark
    public Tensor forward() {
        return Convolution.conv2d(input, weight, bias, params);
    }

    @Benchmark
    public Tensor inputGrad() {
        return Convolution.conv2dInputGrad(gradOut, weight, input.shape(), params);
    }

    @Benchmark
    public Tensor weightGrad() {
        return Convolution.conv2dWeightGrad(input, gradOut, weight.shape(), params);
    }
}
