// Claims about a model's outputs, proven without revealing them (docs/zkml.md, "Claims").
//
// Grammar (whitespace between tokens is free; V a decimal number, I and K non-negative integers):
//   argmax == K                  the first maximum of the example's outputs is at K
//   y[I] OP V                    OP one of >=, >, <=, <, ==
//   V1 OP1 y[I] OP2 V2           OP1, OP2 one of <=, <   (both bounds)
// y[I] is value I of the example's flattened output; a claim holds for every example of a batch.
//
// Semantics on the quantized output y_q with output scale s > 0: y[I] >= V means y_q[I] s >= V
// exactly (s and V as binary doubles, V the double nearest the written number; the comparison is
// exact rational arithmetic), i.e. y_q[I] >= n for the least integer n with n s >= V;
// y[I] > V: the least n with n s > V; y[I] <= V: y_q[I] <= n for the greatest n with n s <= V;
// y[I] < V: the greatest n with n s < V; y[I] == V: both >= and <= (no integer between: false).
// These thresholds are clamped to [lo - 1, hi + 1] (lo, hi: the last layer's clamp bounds, which
// bound y_q), which changes no claim's truth. argmax == K: y_K > y_j for j < K and y_K >= y_j for
// j > K.
//
// Each claim compiles into linear forms L(y) = a y + c >= 0 with at most two nonzero coefficients:
//   y >= n  ->  y - n        y <= n  ->  n - y
//   argmax == K  ->  y_K - y_j - 1 (j < K),  y_K - y_j (j > K)
// Every form's value lies in [lo - hi - 1, hi - lo + 1]; a true one in [0, 2^form_bits) with
// form_bits = bitlen(hi - lo + 1) <= 17, which is what the range check proves.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml {

// The canonical text of a claim ("y[0] >= 0.7": single spaces, numbers in their shortest
// round-trip form), or an error naming what is malformed.
Result<std::string> canonical_claim(std::string_view text);

// The forms of every claim (canonical texts), in order, per example; an error if a claim is
// malformed, reads an output index outside the model's, or there are too many. Several outputs:
// y[i] indexes them back to back, each value read with its output's scale; argmax needs one
// scale. `claim_of`, if given, receives the claim index of each form.
Result<std::vector<LinearForm>> compile_claims(const ModelSpec& spec, std::span<const std::string> claims,
                                               std::vector<uint32_t>* claim_of = nullptr);

// Bits of a true form's value: bitlen(hi - lo + 1) for the last layer's clamp bounds.
uint32_t form_bits(const ModelSpec& spec);

// L(y) over one example's flattened outputs.
int64_t form_value(const LinearForm& form, std::span<const int64_t> example_output);

}  // namespace zk::zkml
