#!/usr/bin/python3
"""Trains the bundled credit-risk MLP on synthetic borrower data and exports it as ONNX.

Run with Debian's python3 (python3-torch, python3-onnx). Deterministic: fixed seeds, CPU only.
Writes model.onnx (the network), input.json (one borrower, EZKL's input format) and
calibration.json (64 borrowers back to back, for quantization calibration).

Features (standardized): monthly income, debt-to-income ratio, years of credit history,
late payments in the last two years, loan amount, years employed, open credit lines,
credit utilization. Risk tier: 0 = LOW, 1 = MEDIUM, 2 = HIGH, from a hidden score plus noise.
"""
import json
import os

import numpy as np
import torch

FEATURES = ["income", "debt_to_income", "history_years", "late_payments",
            "loan_amount", "years_employed", "open_lines", "utilization"]


def synthesize(n, rng):
    income = rng.lognormal(8.2, 0.5, n)
    dti = np.clip(rng.normal(0.35, 0.15, n), 0.0, 1.2)
    history = np.clip(rng.gamma(3.0, 3.0, n), 0, 40)
    late = rng.poisson(0.8, n).astype(float)
    loan = rng.lognormal(9.5, 0.8, n)
    employed = np.clip(rng.gamma(2.0, 3.0, n), 0, 40)
    lines = rng.poisson(4, n).astype(float)
    util = np.clip(rng.beta(2, 3, n), 0, 1)
    raw = np.stack([income, dti, history, late, loan, employed, lines, util], axis=1)
    score = (-0.9 * np.log(income) + 3.0 * dti - 0.05 * history + 0.6 * late
             + 0.5 * np.log(loan) - 0.04 * employed + 1.8 * util
             + rng.normal(0, 0.35, n))
    cut_low, cut_high = np.quantile(score, [0.5, 0.8])
    tier = np.where(score < cut_low, 0, np.where(score < cut_high, 1, 2))
    return raw, tier


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(7)
    torch.manual_seed(7)
    raw, tier = synthesize(6000, rng)
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    x = ((raw - mean) / std).astype(np.float32)
    train, test = slice(0, 5000), slice(5000, 6000)

    model = torch.nn.Sequential(
        torch.nn.Linear(8, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 3))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = torch.from_numpy(x[train]), torch.from_numpy(tier[train])
    for _ in range(300):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(x[test])).argmax(1).numpy() == tier[test]).mean()
    print(f"test accuracy {accuracy:.3f}")

    model.eval()
    torch.onnx.export(model, torch.zeros(1, 8), os.path.join(here, "model.onnx"),
                      input_names=["borrower"], output_names=["risk_logits"], opset_version=13)
    borrower = x[5000]
    with open(os.path.join(here, "input.json"), "w") as f:
        json.dump({"input_data": [[round(float(v), 6) for v in borrower]],
                   "features": FEATURES}, f)
        f.write("\n")
    with open(os.path.join(here, "calibration.json"), "w") as f:
        # One flat array per graph input holding 64 samples back to back.
        json.dump({"input_data": [[round(float(v), 6) for v in x[train][:64].ravel()]]}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
