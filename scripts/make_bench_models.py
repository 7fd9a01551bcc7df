#!/usr/bin/python3
"""Writes the models that docs/benchmarks.md measures, with random weights and inputs.

Usage: make_bench_models.py OUT_DIR [NAME ...]   (default: every model below)

MLPs (OUT_DIR/mlp_<name>.onnx and the input OUT_DIR/mlp_<name>.json), names mlp_10k, mlp_1m, mlp_4m:
  10k: 64 -> 128 -> 10          (9.6k parameters)
  1m:  512 -> 1024 -> 512 -> 10 (1.05M parameters)
  4m:  1024 -> 2048 -> 1024 -> 10, ReLU (4.2M parameters, the issue's target model)
CNNs of issue 6 (OUT_DIR/<name>.onnx, the input OUT_DIR/<name>.json, and OUT_DIR/<name>.cal.json,
calibration data for `zkinfer setup --calibration`: four samples back to back, the first being the
input):
  lenet5:      1x32x32, conv5x5 1->6, ReLU, maxpool 2, conv5x5 6->16, ReLU, maxpool 2,
               fc 400 -> 120 -> 84 -> 10 with ReLU between (61,706 parameters)
  cifar_cnn:   3x32x32, conv5x5 3->32, ReLU, maxpool 2, conv5x5 32->64, ReLU, maxpool 2,
               fc 1600 -> 126 -> 84 -> 10 with ReLU between (266,940 parameters)
  vgg16_cifar: 3x32x32, VGG-16's 13 conv3x3 (padding 1) layers 64,64,M,128,128,M,256,256,256,M,
               512,512,512,M,512,512,512,M with ReLU, then fc 512 -> 512 -> 512 -> 10 with ReLU
               between (15,245,130 parameters; ONNX file 61 MB)
Weights are random, not trained: the MLPs keep PyTorch's default initialisation (seed 3, as
before); the CNNs draw conv and fc weights from Kaiming-normal (fan-in, ReLU gain) so activations
keep their scale through the layers, biases from PyTorch's default, each model with its own fixed
seed. Inputs are standard normal. Batch 1, no batch dimension symbolic, opset 13.
Needs Debian's python3-torch and python3-onnx. Deterministic (fixed seeds).
"""
import json
import os
import sys

import torch

SIZES = {"10k": [64, 128, 10], "1m": [512, 1024, 512, 10], "4m": [1024, 2048, 1024, 10]}
VGG16 = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
CALIBRATION_SAMPLES = 4


def mlp(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def fc(widths):
    """Flatten, then Linear layers with ReLU between."""
    return [torch.nn.Flatten()] + list(mlp(widths))


def conv_pool(cin, cout):
    """conv5x5 (no padding), ReLU, maxpool 2."""
    return [torch.nn.Conv2d(cin, cout, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2)]


def lenet5():
    return torch.nn.Sequential(*conv_pool(1, 6), *conv_pool(6, 16), *fc([400, 120, 84, 10])), (1, 32, 32)


def cifar_cnn():
    return torch.nn.Sequential(*conv_pool(3, 32), *conv_pool(32, 64), *fc([1600, 126, 84, 10])), (3, 32, 32)


def vgg16_cifar():
    layers, cin = [], 3
    for v in VGG16:
        if v == "M":
            layers.append(torch.nn.MaxPool2d(2))
        else:
            layers += [torch.nn.Conv2d(cin, v, 3, padding=1), torch.nn.ReLU()]
            cin = v
    return torch.nn.Sequential(*layers, *fc([512, 512, 512, 10])), (3, 32, 32)


CNNS = {"lenet5": (lenet5, 5), "cifar_cnn": (cifar_cnn, 6), "vgg16_cifar": (vgg16_cifar, 7)}


def kaiming(model):
    for m in model.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")


def values(t):
    return [round(float(v), 6) for v in t.flatten()]


def write_json(path, data):
    with open(path, "w") as f:
        json.dump({"input_data": [data]}, f)


def export(model, x, path):
    torch.onnx.export(model, x, path, input_names=["x"], output_names=["y"], opset_version=13)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    wanted = sys.argv[2:] or [f"mlp_{n}" for n in SIZES] + list(CNNS)
    unknown = [n for n in wanted if n not in CNNS and n.removeprefix("mlp_") not in SIZES]
    if unknown:
        sys.exit(f"unknown model(s) {unknown}; known: {[f'mlp_{n}' for n in SIZES] + list(CNNS)}")
    os.makedirs(out, exist_ok=True)
    # The MLPs draw from one generator in order, as this script always has: their files do not
    # change when other models are added or some are skipped.
    torch.manual_seed(3)
    for name, widths in SIZES.items():
        model = mlp(widths).eval()
        x = torch.randn(1, widths[0])
        if f"mlp_{name}" not in wanted:
            continue
        export(model, x, os.path.join(out, f"mlp_{name}.onnx"))
        write_json(os.path.join(out, f"mlp_{name}.json"), values(x))
        params = sum(p.numel() for p in model.parameters())
        print(f"mlp_{name}: {params} parameters")
    for name, (make, seed) in CNNS.items():
        if name not in wanted:
            continue
        torch.manual_seed(seed)
        model, shape = make()
        kaiming(model)
        model.eval()
        x = torch.randn(CALIBRATION_SAMPLES, *shape)
        export(model, x[:1], os.path.join(out, f"{name}.onnx"))
        write_json(os.path.join(out, f"{name}.json"), values(x[0]))
        write_json(os.path.join(out, f"{name}.cal.json"), values(x))
        params = sum(p.numel() for p in model.parameters())
        print(f"{name}: {params} parameters, input {'x'.join(map(str, shape))}")


if __name__ == "__main__":
    main()
