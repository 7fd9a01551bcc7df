// The field types zkinfer uses, and helpers common to all of them.
//   F = Goldilocks: values of tables (weights, activations, quantized integers).
//   E = GoldilocksExt2: verifier challenges and everything derived from them.
// Protocols are templates on <F, E>; exhaustive tests instantiate them with F = E = a tiny prime.
#pragma once

#include <span>
#include <type_traits>
#include <vector>

#include "field/accumulator.hpp"
#include "field/extension.hpp"
#include "field/goldilocks.hpp"
#include "field/small_field.hpp"

namespace zk {

using F = Goldilocks;
using E = GoldilocksExt2;

// E is an extension field whose coefficients lie in F (so E's components can be combined with
// F-level deferred reductions).
template <class Ext, class Base>
concept ExtensionOf = requires { typename Ext::BaseField; } && std::is_same_v<typename Ext::BaseField, Base>;

// Montgomery's batch inversion: n inverses for 3(n-1) multiplications and one inversion.
// Zero entries stay zero (they have no inverse); all other entries are replaced by inverses.
template <class Field>
void batch_invert(std::span<Field> values) {
  std::vector<Field> prefix(values.size());
  Field acc = Field::one();
  for (size_t i = 0; i < values.size(); ++i) {
    prefix[i] = acc;
    if (!values[i].is_zero()) acc *= values[i];
  }
  Field inv = acc.inverse();
  for (size_t i = values.size(); i-- > 0;) {
    if (values[i].is_zero()) continue;
    const Field original = values[i];
    values[i] = inv * prefix[i];
    inv *= original;
  }
}

// Encodes/decodes a vector of field elements as its concatenated canonical bytes.
template <class Field>
void append_field_bytes(std::vector<uint8_t>& out, std::span<const Field> values) {
  size_t old = out.size();
  out.resize(old + values.size() * Field::BYTES);
  for (size_t i = 0; i < values.size(); ++i) values[i].to_bytes(out.data() + old + i * Field::BYTES);
}

}  // namespace zk
