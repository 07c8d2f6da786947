"""Reference fixture for models/bert: a tiny BERT encoder written out in PyTorch with Hugging Face's
parameter names (the same maths as transformers' BertModel: post-norm layers, exact GELU, additive
key-padding mask), its last hidden states, the mean-pooled L2-normalised sentence embeddings, and the
gradients of a weighted sum of the hidden states.

Requirements (Debian): apt-get install python3-torch python3-numpy; run with /usr/bin/python3 gen_bert.py
"""
import math

import torch
import torch.nn.functional as F

from fixtures import case, write

VOCAB, HIDDEN, LAYERS, HEADS, INTERMEDIATE, POSITIONS, TYPES, EPS = 24, 12, 2, 3, 20, 8, 2, 1e-12


def parameters():
    g = torch.Generator().manual_seed(3)

    def rand(*shape, scale=0.5):
        return (torch.randn(*shape, generator=g) * scale).requires_grad_()

    p = {"embeddings.word_embeddings.weight": rand(VOCAB, HIDDEN),
         "embeddings.position_embeddings.weight": rand(POSITIONS, HIDDEN),
         "embeddings.token_type_embeddings.weight": rand(TYPES, HIDDEN),
         "embeddings.LayerNorm.weight": (1 + torch.randn(HIDDEN, generator=g) * 0.1).requires_grad_(),
         "embeddings.LayerNorm.bias": rand(HIDDEN, scale=0.1)}
    for i in range(LAYERS):
        pre = f"encoder.layer.{i}."
        for name, (rows, cols) in {"attention.self.query": (HIDDEN, HIDDEN), "attention.self.key": (HIDDEN, HIDDEN),
                                   "attention.self.value": (HIDDEN, HIDDEN), "attention.output.dense": (HIDDEN, HIDDEN),
                                   "intermediate.dense": (INTERMEDIATE, HIDDEN),
                                   "output.dense": (HIDDEN, INTERMEDIATE)}.items():
            p[pre + name + ".weight"] = rand(rows, cols, scale=1 / math.sqrt(cols))
            p[pre + name + ".bias"] = rand(rows, scale=0.1)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            p[pre + norm + ".weight"] = (1 + torch.randn(HIDDEN, generator=g) * 0.1).requires_grad_()
            p[pre + norm + ".bias"] = rand(HIDDEN, scale=0.1)
    return p


def bert(p, ids, types, mask):
    b, length = ids.shape
    x = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][:length] \
        + p["embeddings.token_type_embeddings.weight"][types]
    x = F.layer_norm(x, (HIDDEN,), p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], EPS)
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    d = HIDDEN // HEADS
    for i in range(LAYERS):
        pre = f"encoder.layer.{i}."

        def lin(name, t):
            return F.linear(t, p[pre + name + ".weight"], p[pre + name + ".bias"])

        def heads(t):
            return t.view(b, length, HEADS, d).permute(0, 2, 1, 3)

        q, k, v = (heads(lin("attention.self." + n, x)) for n in ("query", "key", "value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + additive
        context = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(b, length, HIDDEN)
        a = F.layer_norm(x + lin("attention.output.dense", context), (HIDDEN,),
                         p[pre + "attention.output.LayerNorm.weight"], p[pre + "attention.output.LayerNorm.bias"], EPS)
        h = lin("output.dense", F.gelu(lin("intermediate.dense", a)))
        x = F.layer_norm(a + h, (HIDDEN,), p[pre + "output.LayerNorm.weight"], p[pre + "output.LayerNorm.bias"], EPS)
    return x


def mean_pool(hidden, mask):
    m = mask[..., None].float()
    mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
    return F.normalize(mean, p=2, dim=1)


def main():
    p = parameters()
    ids = torch.tensor([[1, 7, 22, 5, 19, 2, 0], [1, 13, 8, 2, 0, 0, 0]])
    types = torch.tensor([[0, 0, 0, 1, 1, 1, 0], [0, 0, 0, 0, 0, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0, 0]])
    hidden = bert(p, ids, types, mask)
    pooled = mean_pool(hidden, mask)
    upstream = torch.randn(hidden.shape, generator=torch.Generator().manual_seed(5))
    (hidden * upstream).sum().backward()
    inputs = {"ids": ids, "types": types, "mask": mask, "upstream": upstream}
    inputs.update({"param." + k: v.detach() for k, v in p.items()})
    outputs = {"hidden": hidden, "pooled": pooled}
    outputs.update({"grad." + k: v.grad for k, v in p.items()})
    write("bert.json", [case("tiny_bert", "bert", inputs, outputs, hidden=HIDDEN, layers=LAYERS, heads=HEADS,
                             intermediate=INTERMEDIATE, vocab=VOCAB, positions=POSITIONS, types=TYPES, eps=EPS)],
          module="models")


if __name__ == "__main__":
    main()
