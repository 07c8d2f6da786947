"""PyTorch reference fixtures for the indexing and joining ops (Indexing.java, Joining.java).

Requirements (Debian): apt-get install python3-torch python3-numpy
Run:  /usr/bin/python3 tools/reference/gen_indexing.py
Writes tensor-core/src/test/resources/fixtures/indexing.json (gather, index_select, scatter_add,
embedding, one_hot, topk) and joining.json (cat, stack, split, chunk).

topk: torch.topk does not promise an order among equal values (its CPU kernel uses an unstable
partial sort), while Cortado keeps the lower index first. The expected indices therefore come from a
stable sort, which orders NaN as torch.topk does (above every number); the script checks that
torch.topk's values agree with that sort before writing the case.
"""
import torch

from fixtures import case, view_of, write

torch.manual_seed(7)
NAN = float("nan")


def randn(*shape):
    return torch.randn(*shape)


def randint(high, *shape):
    return torch.randint(0, high, shape, dtype=torch.int64)


def inputs_and_views(**named):
    """named: {name: tensor or (base, permute, slice_)} -> (case inputs, the views the op sees)."""
    views = {k: view_of(*v) if isinstance(v, tuple) else v for k, v in named.items()}
    return named, views


def gather_cases():
    cases = []
    specs = [
        ("gather_dim0", dict(x=randn(4, 3), index=randint(4, 2, 3)), 0),
        ("gather_dim_last_negative", dict(x=randn(3, 5), index=randint(5, 3, 7)), -1),
        ("gather_index_smaller_than_x", dict(x=randn(5, 6), index=randint(6, 3, 2)), 1),
        ("gather_3d_views", dict(x=(randn(3, 2, 4), [1, 2, 0], None),
                                 index=(randint(4, 2, 6, 4), None, [2, 0, 4, 2])), 1),
        ("gather_int64", dict(x=torch.arange(12).reshape(3, 4), index=randint(3, 3, 4)), 0),
        ("gather_bool", dict(x=torch.rand(2, 5) > 0.5, index=randint(5, 2, 3)), 1),
        ("gather_empty_index", dict(x=randn(3, 4), index=randint(3, 0, 4)), 0),
    ]
    for name, named, dim in specs:
        ins, v = inputs_and_views(**named)
        cases.append(case(name, "gather", ins, {"out": torch.gather(v["x"], dim, v["index"])}, dim=dim))
    return cases


def index_select_cases():
    cases = []
    specs = [
        ("index_select_rows_with_repeats", dict(x=randn(6, 4), index=torch.tensor([5, 0, 2, 2, 5])), 0),
        ("index_select_dim1_permuted_x", dict(x=(randn(5, 3), [1, 0], None), index=torch.tensor([4, 1])), 1),
        ("index_select_strided_index_negative_dim",
         dict(x=randn(2, 3, 9), index=(randint(9, 10), None, [0, 1, 10, 3])), -1),
        ("index_select_middle_dim_int64", dict(x=torch.arange(24).reshape(2, 4, 3), index=torch.tensor([3, 0])), 1),
        ("index_select_wide_rows_sliced_x", dict(x=(randn(8, 20), None, [1, 2, 18, 1]), index=torch.tensor([7, 1, 1])), 0),
        ("index_select_empty_index", dict(x=randn(3, 4), index=torch.zeros(0, dtype=torch.int64)), 0),
    ]
    for name, named, dim in specs:
        ins, v = inputs_and_views(**named)
        cases.append(case(name, "index_select", ins, {"out": torch.index_select(v["x"], dim, v["index"])}, dim=dim))
    return cases


def scatter_add_cases():
    cases = []
    specs = [
        ("scatter_add_duplicates_dim0", dict(dst=randn(3, 4), index=torch.tensor([[0, 1, 2, 0], [0, 1, 0, 0],
                                                                                    [2, 2, 2, 2]]),
                                              src=randn(3, 4)), 0),
        ("scatter_add_src_larger_than_index", dict(dst=randn(2, 5), index=randint(5, 2, 6), src=randn(3, 7)), 1),
        ("scatter_add_3d_views_negative_dim", dict(dst=(randn(4, 3, 2), [2, 1, 0], None),
                                                   index=(randint(4, 2, 3, 5), None, [2, 0, 5, 1]),
                                                   src=(randn(3, 2, 6), [1, 0, 2], None)), -1),
        ("scatter_add_embedding_backward", dict(dst=torch.zeros(5, 3),
                                                index=torch.tensor([1, 4, 1, 1]).unsqueeze(1).expand(4, 3).contiguous(),
                                                src=randn(4, 3)), 0),
    ]
    for name, named, dim in specs:
        ins, v = inputs_and_views(**named)
        out = v["dst"].scatter_add(dim, v["index"], v["src"])
        cases.append(case(name, "scatter_add", ins, {"out": out}, dim=dim))
    return cases


def embedding_cases():
    weight = randn(10, 4)
    cases = []
    for name, ids in [("embedding_2d_ids", randint(10, 2, 3)), ("embedding_1d_ids_repeats", torch.tensor([9, 0, 9])),
                      ("embedding_scalar_id", torch.tensor(4))]:
        out = torch.nn.functional.embedding(ids, weight)
        cases.append(case(name, "embedding", {"weight": weight, "ids": ids}, {"out": out}))
    ids = randint(10, 3, 5)
    cases.append(case("embedding_transposed_ids", "embedding", {"weight": weight, "ids": (ids, [1, 0], None)},
                      {"out": torch.nn.functional.embedding(view_of(ids, [1, 0]), weight)}))
    return cases


def one_hot_cases():
    cases = []
    for name, ids, classes in [("one_hot_fixed_classes", randint(5, 2, 3), 5),
                               ("one_hot_inferred_classes", torch.tensor([3, 0, 1]), -1),
                               ("one_hot_scalar", torch.tensor(2), 4)]:
        out = torch.nn.functional.one_hot(ids, classes)
        cases.append(case(name, "one_hot", {"indices": ids}, {"out": out}, numClasses=classes))
    return cases


def stable_topk(x, k, dim, largest):
    values, indices = torch.sort(x, dim=dim, descending=largest, stable=True)
    values, indices = values.narrow(dim, 0, k), indices.narrow(dim, 0, k)
    torch_values = torch.topk(x, k, dim=dim, largest=largest, sorted=True).values
    assert torch.equal(torch.nan_to_num(torch_values, nan=1e30), torch.nan_to_num(values, nan=1e30)), \
        "stable sort and torch.topk disagree on values"
    return values, indices


def topk_cases():
    ties = torch.tensor([[3., 1., 3., NAN, -2., 1., NAN, 0.],
                         [-0., 0., 5., 5., 5., -1., 2., -0.],
                         [1., 1., 1., 1., 1., 1., 1., 1.]])
    cases = []
    specs = [
        ("topk_largest_ties_nan", (ties,), 4, -1, True),
        ("topk_smallest_ties_nan", (ties,), 5, 1, False),
        ("topk_all_columns", (ties,), 8, 1, True),
        ("topk_dim0", (ties,), 2, 0, True),
        ("topk_k0", (ties,), 0, 1, True),
        ("topk_3d_middle_dim_permuted", (randn(4, 2, 6), [1, 2, 0], None), 3, 1, False),
        ("topk_long_row", (torch.round(randn(2, 300) * 4),), 7, -1, True),
    ]
    for name, x_spec, k, dim, largest in specs:
        x = view_of(*x_spec)
        values, indices = stable_topk(x, k, dim, largest)
        x_input = x_spec if len(x_spec) > 1 else x_spec[0]
        cases.append(case(name, "topk", {"x": x_input}, {"values": values, "indices": indices},
                          k=k, dim=dim, largest=largest))
    return cases


def cat_cases():
    cases = []
    specs = [
        ("cat_dim0_mixed_views", [randn(2, 3), (randn(3, 1), [1, 0], None), randn(4, 3)], 0),
        ("cat_dim1_sliced", [randn(2, 2), (randn(2, 9), None, [1, 1, 9, 3]), randn(2, 0)], 1),
        ("cat_negative_dim_3d", [(randn(2, 4, 3), [0, 2, 1], None), randn(2, 3, 1)], -1),
        ("cat_int64", [torch.arange(6).reshape(2, 3), torch.arange(3).reshape(1, 3)], 0),
        ("cat_bool", [torch.rand(3) > 0.5, torch.rand(2) > 0.5], 0),
        ("cat_single", [randn(2, 2)], 1),
    ]
    for name, tensors, dim in specs:
        views = [view_of(*t) if isinstance(t, tuple) else t for t in tensors]
        ins = {f"t{i}": t for i, t in enumerate(tensors)}
        cases.append(case(name, "cat", ins, {"out": torch.cat(views, dim)}, dim=dim, count=len(tensors)))
    return cases


def stack_cases():
    cases = []
    specs = [
        ("stack_dim0", [randn(2, 3), randn(2, 3)], 0),
        ("stack_last_negative_views", [(randn(3, 2), [1, 0], None), randn(2, 3), randn(2, 3)], -1),
        ("stack_middle", [randn(4), (randn(8), None, [0, 0, 8, 2])], 1),
    ]
    for name, tensors, dim in specs:
        views = [view_of(*t) if isinstance(t, tuple) else t for t in tensors]
        ins = {f"t{i}": t for i, t in enumerate(tensors)}
        cases.append(case(name, "stack", ins, {"out": torch.stack(views, dim)}, dim=dim, count=len(tensors)))
    return cases


def split_cases():
    cases = []
    x = randn(5, 6)
    specs = [
        ("split_size2_dim0", "split", x, dict(splitSize=2, dim=0), lambda t: torch.split(t, 2, 0)),
        ("split_size4_dim_last", "split", x, dict(splitSize=4, dim=-1), lambda t: torch.split(t, 4, -1)),
        ("split_sizes_dim1", "split_sizes", x, dict(sizes=[1, 0, 3, 2], dim=1), lambda t: torch.split(t, [1, 0, 3, 2], 1)),
        ("chunk_5_in_4", "chunk", x, dict(chunks=4, dim=0), lambda t: torch.chunk(t, 4, 0)),
        ("chunk_6_in_4_negative_dim", "chunk", x, dict(chunks=4, dim=-1), lambda t: torch.chunk(t, 4, -1)),
        ("chunk_more_than_size", "chunk", x, dict(chunks=9, dim=0), lambda t: torch.chunk(t, 9, 0)),
        ("chunk_empty_dim", "chunk", torch.zeros(0, 2), dict(chunks=3, dim=0), lambda t: torch.chunk(t, 3, 0)),
        ("split_empty_dim", "split", torch.zeros(0, 2), dict(splitSize=2, dim=0), lambda t: torch.split(t, 2, 0)),
    ]
    for name, op, x_in, args, fn in specs:
        pieces = fn(x_in)
        outs = {f"out{i}": p for i, p in enumerate(pieces)}
        cases.append(case(name, op, {"x": x_in}, outs, count=len(pieces), **args))
    return cases


write("indexing.json", gather_cases() + index_select_cases() + scatter_add_cases() + embedding_cases()
      + one_hot_cases() + topk_cases())
write("joining.json", cat_cases() + stack_cases() + split_cases())
