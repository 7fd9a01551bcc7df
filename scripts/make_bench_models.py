#!/usr/bin/python3
"""Writes the MLPs that docs/benchmarks.md measures, with random weights and one input each.

Usage: make_bench_models.py OUT_DIR. Creates OUT_DIR/mlp_<name>.onnx and OUT_DIR/mlp_<name>.json:
  10k: 64 -> 128 -> 10          (9.6k parameters)
  1m:  512 -> 1024 -> 512 -> 10 (1.05M parameters)
  4m:  1024 -> 2048 -> 1024 -> 10, ReLU (4.2M parameters, the issue's target model)
Needs Debian's python3-torch and python3-onnx. Deterministic (fixed seed).
"""
import json
import os
import sys

import torch

SIZES = {"10k": [64, 128, 10], "1m": [512, 1024, 512, 10], "4m": [1024, 2048, 1024, 10]}


def mlp(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i + 2 < len(widths):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(3)
    for name, widths in SIZES.items():
        model = mlp(widths).eval()
        x = torch.randn(1, widths[0])
        torch.onnx.export(model, x, os.path.join(out, f"mlp_{name}.onnx"),
                          input_names=["x"], output_names=["y"], opset_version=13)
        with open(os.path.join(out, f"mlp_{name}.json"), "w") as f:
            json.dump({"input_data": [[round(float(v), 6) for v in x.flatten()]]}, f)
        params = sum(p.numel() for p in model.parameters())
        print(f"mlp_{name}: {params} parameters")


if __name__ == "__main__":
    main()
