package dev.cortado.models.onnx;

import java.util.List;
import java.util.Map;

/**
 * What an importer ({@link OnnxWeightMapper} behind {@code BertOnnxImporter}, {@code VitOnnxImporter},
 * {@code ClipOnnxImporter}) did with an ONNX file's initializers.
 *
 * @param mapped          state-dict key → the initializer that filled it ({@code "onnx::MatMul_885 (transposed)"})
 * @param unmapped        initializers that carry weights the importer could not place, with the reason
 * @param unfilled        model keys that no initializer filled (they keep their random initialisation)
 * @param shapeMismatches {@code "key: model [..] vs onnx name [..]"}, and keys claimed by two initializers
 * @param ignored         initializers that are known not to be model weights (shape and scalar constants, the
 *                        {@code position_ids} buffer, the unused pooler), and model keys the model never uses
 *                        (a CLIP image tower's classification head), with the reason
 */
public record OnnxImportReport(Map<String, String> mapped, List<String> unmapped, List<String> unfilled,
        List<String> shapeMismatches, List<String> ignored) {

    public OnnxImportReport {
        mapped = Map.copyOf(mapped);
        unmapped = List.copyOf(unmapped);
        unfilled = List.copyOf(unfilled);
        shapeMismatches = List.copyOf(shapeMismatches);
        ignored = List.copyOf(ignored);
    }

    /** True when every model key was filled with a tensor of its shape and every weight found a key. */
    public boolean clean() {
        return unmapped.isEmpty() && unfilled.isEmpty() && shapeMismatches.isEmpty();
    }

    @Override
    public String toString() {
        return mapped.size() + " keys mapped; unmapped initializers " + unmapped + "; unfilled model keys "
                + unfilled + "; shape mismatches " + shapeMismatches + "; ignored " + ignored;
    }
}
