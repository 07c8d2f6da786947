package dev.cortado.autograd;

import dev.cortado.tensor.DType;
import dev.cortado.tensor.Elementwise;
import dev.cortado.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Reverse-mode sweep. Iterative throughout, so a deep graph cannot overflow the stack:
 * <ol>
 *   <li>walk the graph from the root once, counting for every node how many recorded ops consume its output;</li>
 *   <li>run nodes in Kahn order: a node runs when every consumer has passed its gradient back, so each
 *       node runs exactly once with its gradients summed;</li>
 *   <li>gradients reaching a leaf that requires grad are accumulated into {@link Variable#grad()};</li>
 *   <li>each node is released right after its backward, so the graph is freed as the sweep goes.</li>
 * </ol>
 */
final class Engine {
    private Engine() {
    }

    static void backward(Variable root, Tensor seed) {
        if (!Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: seed gradient shape " + Arrays.toString(seed.shape())
                    + " does not match output shape " + Arrays.toString(root.shape()));
        }
        if (seed.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("backward: seed gradient must be FLOAT32, got " + seed.dtype()
                    + " of shape " + Arrays.toString(seed.shape()));
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: this variable does not require a gradient (no input of the"
                    + " ops that made it requires one, or it was computed under NoGrad)");
        }
        if (root.isLeaf()) {
            root.accumulate(seed);
            return;
        }
        Map<Node, Integer> consumers = countConsumers(root.creator());
        Map<Node, Tensor> pending = new IdentityHashMap<>();
        pending.put(root.creator(), seed);
        ArrayDeque<Node> ready = new ArrayDeque<>();
        ready.push(root.creator());
        while (!ready.isEmpty()) {
            Node node = ready.pop();
            Tensor gradOutput = pending.remove(node);
            Variable[] inputs = node.inputs();
            Tensor[] grads = node.runBackward(gradOutput);
            node.release();
            for (int i = 0; i < inputs.length; i++) {
                Variable input = inputs[i];
                if (!input.requiresGrad()) {
                    continue;
                }
                Tensor g = grads[i];
                if (g != null && !Arrays.equals(g.shape(), input.shape())) {
                    throw new IllegalStateException(node.op() + " backward: gradient for input " + i + " has shape "
                            + Arrays.toString(g.shape()) + " but the input has shape " + Arrays.toString(input.shape()));
                }
                if (input.isLeaf()) {
                    if (g != null) {
                        input.accumulate(g);
                    }
                    continue;
                }
                Node producer = input.creator();
                if (g != null) {
                    pending.merge(producer, g, Elementwise::add);
                }
                int left = consumers.merge(producer, -1, Integer::sum);
                if (left == 0) {
                    if (pending.containsKey(producer)) {
                        ready.push(producer);
                    } else {
                        // No gradient flowed into this branch; nothing below it needs to run for it.
                        releaseBelow(producer, consumers, pending, ready);
                    }
                }
            }
        }
    }

    /**
     * Counts, for every node reachable from {@code root}, the recorded edges that consume its output.
     * Fails on a node whose backward already ran (a second backward through a freed graph).
     */
    private static Map<Node, Integer> countConsumers(Node root) {
        Map<Node, Integer> consumers = new IdentityHashMap<>();
        consumers.put(root, 0);
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (node.isReleased()) {
                throw new IllegalStateException("backward: the graph through " + node.op() + " was already freed by"
                        + " an earlier backward; run the forward pass again before a second backward");
            }
            for (Variable input : node.inputs()) {
                Node producer = input.creator();
                if (producer == null || !input.requiresGrad()) {
                    continue;
                }
                Integer before = consumers.merge(producer, 1, Integer::sum);
                if (before == 1) {
                    stack.push(producer);
                }
            }
        }
        return consumers;
    }

    /**
     * A node that received no gradient at all (every consumer returned null for it) still counts as a
     * consumer of its own inputs; walking it with a zero contribution keeps the counts right.
     */
    private static void releaseBelow(Node node, Map<Node, Integer> consumers, Map<Node, Tensor> pending,
                                     ArrayDeque<Node> ready) {
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(node);
        while (!stack.isEmpty()) {
            Node current = stack.pop();
            Variable[] inputs = current.inputs();
            current.release();
            for (Variable input : inputs) {
                Node producer = input.creator();
                if (producer == null || !input.requiresGrad()) {
                    continue;
                }
                int left = consumers.merge(producer, -1, Integer::sum);
                if (left == 0) {
                    if (pending.containsKey(producer)) {
                        ready.push(producer);
                    } else {
                        stack.push(producer);
                    }
                }
            }
        }
    }
}
