"""draw_graph: the DOT text has the lecture's nodes and edges (checked against the graph torch
records for the same expression), shared subexpressions appear once, names from params are used,
and files are written whole."""

import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest
import torch

import konspekt as kp
from konspekt.viz import draw_graph

NODE = re.compile(r'^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"', re.MULTILINE)
EDGE = re.compile(r"^\s*(n\d+) -> (n\d+);", re.MULTILINE)
HAS_DOT = shutil.which("dot") is not None


def parse(dot):
    """Node labels (first label line: the name) by id, and the edges as a multiset of names."""
    labels = {node: label.split("\\n") for node, label in NODE.findall(dot)}
    edges = Counter((labels[a][0], labels[b][0]) for a, b in EDGE.findall(dot))
    return labels, edges


def names_of(labels):
    return Counter(label[0] for label in labels.values())


def leaves(shape=(2, 3), dtype=kp.float32):
    x = kp.randn(*shape, dtype=dtype).requires_grad_()
    y = kp.randn(*shape, dtype=dtype).requires_grad_()
    return x, y


def test_sin_of_sum_has_exactly_the_lecture_nodes_and_edges():
    x, y = leaves()
    F = kp.sin(x + y)
    labels, edges = parse(draw_graph(F, params={"x": x, "y": y, "F": F}))
    assert names_of(labels) == Counter(["x", "y", "AddBackward", "SinBackward", "F"])
    assert edges == Counter([("x", "AddBackward"), ("y", "AddBackward"),
                             ("AddBackward", "SinBackward"), ("SinBackward", "F")])


def test_shapes_are_shown_on_leaves_and_output_only_when_asked():
    x, y = leaves((2, 3))
    F = kp.sin(x + y)
    labels, _ = parse(draw_graph(F, params={"x": x, "y": y}))
    assert sorted(labels.values()) == sorted([["x", "(2, 3)"], ["y", "(2, 3)"], ["AddBackward"],
                                              ["SinBackward"], ["output", "(2, 3)"]])
    labels, _ = parse(draw_graph(F, params={"x": x, "y": y}, show_shapes=False))
    assert sorted(labels.values()) == sorted([["x"], ["y"], ["AddBackward"], ["SinBackward"],
                                              ["output"]])


def test_shared_subexpression_is_one_node_with_one_edge_per_use():
    x, y = leaves()
    a = x + y
    F = kp.sin(a) * kp.cos(a) * x * x
    labels, edges = parse(draw_graph(F, params={"x": x, "y": y}))
    names = names_of(labels)
    assert names["AddBackward"] == 1 and names["x"] == 1 and names["y"] == 1
    assert edges[("AddBackward", "SinBackward")] == 1
    assert edges[("AddBackward", "CosBackward")] == 1
    # x feeds the addition and two multiplications: three uses, three edges from one node.
    assert sum(n for (source, _), n in edges.items() if source == "x") == 3


def test_a_value_used_twice_by_one_operation_gets_two_edges():
    x, _ = leaves()
    labels, edges = parse(draw_graph(x * x, params={"x": x}))
    assert names_of(labels) == Counter(["x", "MulBackward", "output"])
    assert edges == Counter({("x", "MulBackward"): 2, ("MulBackward", "output"): 1})


def _torch_edges(output):
    """The same multiset of edges, read from torch's graph (names without torch's digit)."""
    edges, seen, pending = Counter(), set(), [output.grad_fn]
    edges[(re.sub(r"\d+$", "", output.grad_fn.name()), "output")] += 1
    while pending:
        fn = pending.pop()
        if fn in seen:
            continue
        seen.add(fn)
        for next_fn, _ in fn.next_functions:
            if next_fn is None:
                continue
            source = ("leaf" if hasattr(next_fn, "variable")
                      else re.sub(r"\d+$", "", next_fn.name()))
            edges[(source, re.sub(r"\d+$", "", fn.name()))] += 1
            if not hasattr(next_fn, "variable"):
                pending.append(next_fn)
    return edges


@pytest.mark.parametrize("expression", [
    lambda x, y, c: (x + y).sin(),
    lambda x, y, c: (x + y).sin() * (x + y).cos() * x * x,
    lambda x, y, c: ((x * c).exp() - y.tanh() * 2.0).sum(),
])
def test_edges_match_the_graph_torch_records(expression):
    x, y = leaves(dtype=kp.float64)
    c = kp.randn(2, 3, dtype=kp.float64)  # a constant: no node for it
    tx, ty = (torch.tensor(t.detach().numpy(), requires_grad=True) for t in (x, y))
    tc = torch.tensor(c.numpy())
    _, edges = parse(draw_graph(expression(x, y, c)))
    assert edges == _torch_edges(expression(tx, ty, tc))


def test_constants_are_not_drawn():
    x, _ = leaves()
    constant = kp.randn(2, 3)
    labels, edges = parse(draw_graph(kp.sin(x + constant), params={"x": x, "c": constant}))
    assert names_of(labels) == Counter(["x", "AddBackward", "SinBackward", "output"])
    assert ("c", "AddBackward") not in edges


def test_params_name_leaves_intermediates_and_output():
    x, y = leaves()
    s = x + y
    F = kp.sin(s)
    labels, _ = parse(draw_graph(F, params=[("first", x), ("sum", s), ("F", F)]))
    assert sorted(labels.values()) == sorted([["first", "(2, 3)"], ["leaf", "(2, 3)"],
                                              ["AddBackward", "sum"], ["SinBackward"],
                                              ["F", "(2, 3)"]])


def test_names_are_escaped():
    x, _ = leaves()
    dot = draw_graph(x.exp(), params={'say "hi"\\': x})
    labels, _ = parse(dot)
    assert ['say \\"hi\\"\\\\', "(2, 3)"] in labels.values()


def test_several_outputs_share_one_graph():
    x, y = leaves()
    a = x + y
    labels, edges = parse(draw_graph([a.sin(), a.cos()], params={"x": x, "y": y}))
    assert names_of(labels)["AddBackward"] == 1
    assert edges[("SinBackward", "output 0")] == 1 and edges[("CosBackward", "output 1")] == 1


def test_a_tensor_without_history_is_a_single_node():
    labels, edges = parse(draw_graph(kp.tensor(3.0)))
    assert names_of(labels) == Counter(["output"]) and not edges


def test_a_long_chain_needs_no_recursion():
    x, _ = leaves()
    out = x
    for _ in range(3 * sys.getrecursionlimit()):
        out = out * 1.0
    labels, edges = parse(draw_graph(out))
    assert names_of(labels)["MulBackward"] == 3 * sys.getrecursionlimit()


def test_bad_arguments_are_reported():
    x, _ = leaves()
    with pytest.raises(TypeError, match="Tensor"):
        draw_graph(x.detach().numpy())
    with pytest.raises(TypeError, match=r"params\['x'\]"):
        draw_graph(x.exp(), params={"x": x.detach().numpy()})
    with pytest.raises(ValueError, match="format"):
        draw_graph(x.exp(), format="jpg")


def test_path_with_a_different_extension_than_format_is_refused(tmp_path):
    x, _ = leaves()
    with pytest.raises(ValueError, match="format='png'"):
        draw_graph(x.exp(), path=tmp_path / "graph.png", format="svg")
    assert list(tmp_path.iterdir()) == []


def test_without_dot_only_the_dot_file_is_written_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    x, y = leaves()
    with pytest.warns(UserWarning, match="'dot' is not on PATH"):
        text = draw_graph(kp.sin(x + y), path=tmp_path / "out" / "graph.svg")
    assert sorted(os.listdir(tmp_path / "out")) == ["graph.dot"]
    assert (tmp_path / "out" / "graph.dot").read_text() == text


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz 'dot' is not installed")
@pytest.mark.parametrize("name, format, image, magic", [
    ("graph.svg", "svg", "graph.svg", b"<svg"),
    ("graph.dot", "png", "graph.png", b"\x89PNG"),
    ("graph", "png", "graph.png", b"\x89PNG"),
])
def test_path_is_rendered_with_dot(tmp_path, name, format, image, magic):
    x, y = leaves()
    text = draw_graph(kp.sin(x + y), params={"x": x, "y": y}, path=str(tmp_path / name),
                      format=format)
    assert sorted(os.listdir(tmp_path)) == sorted(["graph.dot", image])  # no temporary files left
    assert (tmp_path / "graph.dot").read_text() == text
    assert magic in (tmp_path / image).read_bytes()[:400]


@pytest.mark.skipif(os.name != "posix", reason="the stand-in 'dot' is a shell script")
def test_a_failing_dot_is_an_error_and_leaves_no_partial_image(tmp_path, monkeypatch):
    fake = tmp_path / "bin" / "dot"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'syntax error' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda name: str(fake))
    x, _ = leaves()
    with pytest.raises(RuntimeError, match="syntax error"):
        draw_graph(x.exp(), path=tmp_path / "graph.svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "graph.dot"]


def test_core_does_not_import_viz():
    code = "import sys, konspekt; print('konspekt.viz' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"
