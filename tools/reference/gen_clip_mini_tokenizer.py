"""A small CLIP-style tokenizer.json for the CI tests of Cortado's byte-level BPE (models module).

The real CLIP ViT-B/32 tokenizer.json (3.9 MB, ../shared/data/ beside the repository) is not in the
repository, so CI tests the algorithm on this cut-down copy: the same normalizer, pre-tokenizer and
post-processor, the first MERGES merges by rank, and a vocabulary of the 256 byte symbols, the 256 byte
symbols with </w>, the results of those merges and the two special tokens, renumbered 0..n-1 in the order
of the original ids. Every merge's parts come from earlier merges or bytes, so the cut is a valid BPE.
Run: /usr/bin/python3 tools/reference/gen_clip_mini_tokenizer.py [path/to/clip-vit-b32-tokenizer.json]
"""
import json
import os
import sys

from fixtures import fixture_dir

MERGES = 800
DEFAULT_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "..", "..", "shared", "data", "clip-vit-b32-tokenizer.json")


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    if not os.path.exists(source):
        print(f"gen_clip_mini_tokenizer.py: {source} not found; fixture left as it is", file=sys.stderr)
        return
    with open(source, encoding="utf-8") as f:
        full = json.load(f)
    model = full["model"]
    merges = [m if isinstance(m, list) else m.split(" ") for m in model["merges"][:MERGES]]
    specials = [t["content"] for t in full["added_tokens"]]
    vocab = model["vocab"]
    # Byte symbols are the first 512 ids of the real vocabulary (256 plain, 256 with </w>).
    keep = {token for token, i in vocab.items() if i < 512}
    keep.update(a + b for a, b in merges)
    keep.update(specials)
    for a, b in merges:
        assert a in keep and b in keep, (a, b)
    ordered = sorted(keep, key=lambda token: vocab[token])
    renumbered = {token: i for i, token in enumerate(ordered)}
    full["model"] = dict(model, vocab=renumbered, merges=merges)
    for token in full["added_tokens"]:
        token["id"] = renumbered[token["content"]]
    processor = full["post_processor"]
    processor["sep"][1] = renumbered[processor["sep"][0]]
    processor["cls"][1] = renumbered[processor["cls"][0]]
    out = os.path.join(fixture_dir("models"), "clip-mini-tokenizer.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(full, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {out}: {len(renumbered)} tokens, {len(merges)} merges")


if __name__ == "__main__":
    main()
