#!/usr/bin/python3
"""Generates the small ONNX test models under tests/models/ with their float reference outputs.

Run with Debian's interpreter (it has python3-torch, python3-onnx, python3-sklearn):
    /usr/bin/python3 scripts/models/make_models.py [OUT_DIR]

Every model NAME gets NAME.onnx and NAME.json. The json holds "input_data" (EZKL input.json format:
one flat float array per graph input), "output_data" (the float outputs PyTorch computes for that
input, one flat array per graph output) and "input_shapes". The two trained classifiers also get
NAME_test.json: a held-out test set ("input_data" rows, "labels") for the accuracy test.
Seeds are fixed, so a rerun reproduces the same files up to PyTorch/BLAS rounding.
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "models")


def flat(t):
    return [float(v) for v in t.detach().numpy().reshape(-1)]


def export(model, name, inputs, opset=13, input_names=None, dynamic_batch=False):
    model.eval()
    inputs = tuple(inputs)
    path = os.path.join(OUT, name + ".onnx")
    names = input_names or ["input%d" % i for i in range(len(inputs))]
    dynamic_axes = {n: {0: "batch"} for n in names} if dynamic_batch else None
    torch.onnx.export(model, inputs, path, opset_version=opset, input_names=names,
                      dynamic_axes=dynamic_axes, do_constant_folding=False)
    with torch.no_grad():
        out = model(*inputs)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    ref = {
        "input_data": [flat(x) for x in inputs],
        "input_shapes": [list(x.shape) for x in inputs],
        "output_data": [flat(o) for o in outs],
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(ref, f)


class Mlp(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i + 1 < len(self.layers):
                x = F.relu(x)
        return x


def train_classifier(name, features, labels, hidden, epochs):
    torch.manual_seed(0)
    mean, std = features.mean(axis=0), features.std(axis=0) + 1e-6
    features = ((features - mean) / std).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.3, random_state=0, stratify=labels)
    model = Mlp([features.shape[1], hidden, int(labels.max()) + 1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train).long()
    for _ in range(epochs):
        opt.zero_grad()
        loss = F.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(torch.from_numpy(x_test)).argmax(1).numpy() == y_test).mean()
    print("%s: float test accuracy %.4f on %d samples" % (name, acc, len(y_test)))
    export(model, name, [torch.from_numpy(x_test[:1])], dynamic_batch=True)
    with open(os.path.join(OUT, name + "_test.json"), "w") as f:
        json.dump({"input_data": [[float(v) for v in row] for row in x_test],
                   "labels": [int(v) for v in y_test]}, f)


class SmallCnn(nn.Module):
    """Conv with stride/pad/dilation, grouped conv, BatchNorm, pools, flatten via shape chain, Gemm."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, stride=1, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 8, 3, stride=2, padding=2, dilation=2, groups=2)
        self.bn2 = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8 * 2 * 2, 5)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.max_pool2d(x, 2)
        x = F.leaky_relu(self.bn2(self.conv2(x)), 0.1)
        x = F.avg_pool2d(x, 2, ceil_mode=False)
        x = x.view(x.size(0), -1)
        return F.softmax(self.fc(x), dim=1)


class OpsMix(nn.Module):
    """Elementwise and data-movement ops: Sub, Mul, Div by constant, Sigmoid, Tanh, PRelu, Clip,
    Pad, Concat, Transpose, MatMul between activations, GlobalAveragePool, a standalone BatchNorm."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 1)
        self.prelu = nn.PReLU(3, init=0.2)
        self.bn = nn.BatchNorm2d(3)
        self.lin = nn.Linear(6, 4)

    def forward(self, x, y):
        a = self.prelu(self.conv(x))                      # [1,3,4,4]
        b = torch.sigmoid(a) * torch.tanh(a - 0.5) / 3.0
        c = torch.clamp(self.bn(a) + b, -1.0, 1.5)
        c = F.pad(c, (1, 1, 0, 0))                        # [1,3,4,6]
        g = F.adaptive_avg_pool2d(c, 1).reshape(1, 3)     # GlobalAveragePool
        m = torch.matmul(c.transpose(2, 3), c)            # [1,3,6,6]
        s = m[:, :, 0, :]                                 # Gather on data
        h = torch.cat([s.reshape(1, -1)[:, :3], g], dim=1)  # [1,6]
        return self.lin(h) + y, g


class SoftmaxAxes(nn.Module):
    """Softmax along each axis of the [batch, C, H, W] layout: over the channels (rows H W apart),
    over H, over the last axis of a [batch, C, L] tensor, then over the features of a Gemm."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 4, 2)
        self.conv3 = nn.Conv1d(4, 3, 2)
        self.fc = nn.Linear(3 * 3, 5)

    def forward(self, x):
        a = F.softmax(self.conv1(x), dim=1)              # [1,3,4,5] over C
        b = F.softmax(self.conv2(a) * 4.0, dim=2)        # [1,4,3,4] over H
        c = self.conv3(b.reshape(1, 4, 12)[:, :, :4])    # [1,3,3]
        d = F.softmax(c * 3.0, dim=-1)                   # over L
        return F.softmax(self.fc(d.reshape(1, -1)), dim=1)


def randomize_bn(model):
    gen = torch.Generator().manual_seed(1)
    for mod in model.modules():
        if isinstance(mod, nn.BatchNorm2d):
            n = mod.num_features
            mod.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)
            mod.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            mod.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            mod.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def make_conv_bn():
    """Conv -> BatchNormalization -> Relu -> Flatten -> Gemm -> BatchNormalization, built with
    onnx.helper (PyTorch's exporter already fuses BatchNorm in eval mode), opset 11."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(3)
    w = rng.normal(0, 0.4, (3, 2, 3, 3)).astype(np.float32)
    cb = rng.normal(0, 0.1, 3).astype(np.float32)
    bn1 = [rng.uniform(0.5, 1.5, 3), rng.normal(0, 0.2, 3), rng.normal(0, 0.2, 3),
           rng.uniform(0.5, 1.5, 3)]
    gw = rng.normal(0, 0.3, (4, 27)).astype(np.float32)
    gb = rng.normal(0, 0.1, 4).astype(np.float32)
    bn2 = [rng.uniform(0.5, 1.5, 4), rng.normal(0, 0.2, 4), rng.normal(0, 0.2, 4),
           rng.uniform(0.5, 1.5, 4)]
    bn1 = [v.astype(np.float32) for v in bn1]
    bn2 = [v.astype(np.float32) for v in bn2]
    inits = [numpy_helper.from_array(a, n) for a, n in [
        (w, "w"), (cb, "cb"), (bn1[0], "s1"), (bn1[1], "b1"), (bn1[2], "m1"), (bn1[3], "v1"),
        (gw, "gw"), (gb, "gb"), (bn2[0], "s2"), (bn2[1], "b2"), (bn2[2], "m2"), (bn2[3], "v2")]]
    nodes = [
        helper.make_node("Conv", ["x", "w", "cb"], ["c"], name="conv", pads=[1, 1, 1, 1],
                         strides=[2, 2]),
        helper.make_node("BatchNormalization", ["c", "s1", "b1", "m1", "v1"], ["n1"], name="bn1",
                         epsilon=1e-3),
        helper.make_node("Relu", ["n1"], ["r"], name="relu"),
        helper.make_node("Identity", ["r"], ["r2"], name="identity"),
        helper.make_node("Flatten", ["r2"], ["f"], name="flatten", axis=1),
        helper.make_node("Gemm", ["f", "gw", "gb"], ["g"], name="gemm", transB=1),
        helper.make_node("BatchNormalization", ["g", "s2", "b2", "m2", "v2"], ["y"], name="bn2"),
    ]
    graph = helper.make_graph(nodes, "conv_bn",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 6, 6])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, "conv_bn.onnx"))
    x = torch.from_numpy(rng.normal(0, 1, (1, 2, 6, 6)).astype(np.float32))
    t = torch.from_numpy
    c = F.conv2d(x, t(w), t(cb), stride=2, padding=1)
    n1 = F.batch_norm(c, t(bn1[2]), t(bn1[3]), t(bn1[0]), t(bn1[1]), eps=1e-3)
    g = F.linear(F.relu(n1).reshape(1, -1), t(gw), t(gb))
    y = F.batch_norm(g, t(bn2[2]), t(bn2[3]), t(bn2[0]), t(bn2[1]), eps=1e-5)
    with open(os.path.join(OUT, "conv_bn.json"), "w") as f:
        json.dump({"input_data": [flat(x)], "input_shapes": [[1, 2, 6, 6]],
                   "output_data": [flat(y)]}, f)


def make_softmax_flat():
    """Softmax at opset 11 with axis 1 on a [1, 2, 3, 4] input: its rows flatten C, H and W (24
    values), which no single axis of the layout holds, so setup refuses it (the CLI test's
    unprovable layer)."""
    from onnx import TensorProto, helper
    node = helper.make_node("Softmax", ["x"], ["y"], name="softmax", axis=1)
    graph = helper.make_graph([node], "softmax_flat",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 3, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 3, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, "softmax_flat.onnx"))
    x = np.random.default_rng(4).normal(0, 1, (1, 24))
    y = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    with open(os.path.join(OUT, "softmax_flat.json"), "w") as f:
        json.dump({"input_data": [[float(v) for v in x.reshape(-1)]], "input_shapes": [[1, 2, 3, 4]],
                   "output_data": [[float(v) for v in y.reshape(-1)]]}, f)


def main():
    os.makedirs(OUT, exist_ok=True)
    digits = load_digits()
    train_classifier("digits_mlp", digits.data.astype(np.float32), digits.target, 32, 200)
    cancer = load_breast_cancer()
    train_classifier("cancer_mlp", cancer.data.astype(np.float32), cancer.target, 16, 200)

    torch.manual_seed(1)
    cnn = SmallCnn()
    randomize_bn(cnn)
    x = torch.randn(1, 1, 16, 16)
    for opset in (9, 13, 17):
        export(cnn, "small_cnn_opset%d" % opset, [x], opset=opset)

    torch.manual_seed(2)
    ops = OpsMix()
    randomize_bn(ops)
    export(ops, "ops_mix", [torch.randn(1, 2, 4, 4), torch.randn(1, 4)], opset=13)

    make_conv_bn()

    torch.manual_seed(3)
    export(SoftmaxAxes(), "softmax_axes", [torch.randn(1, 2, 4, 5)], opset=13)
    make_softmax_flat()


if __name__ == "__main__":
    main()
