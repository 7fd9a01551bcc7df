// Internal: the wiring of Conv and pooling windows and the multilinear extensions the verifier
// evaluates for it (docs/zkml.md, "Convolution and pooling").
//
// Along one axis, output position p < P reads input position src(p, k) = p s + k d - pad for the
// kernel offsets k < K with 0 <= src(p, k) < I. The 2-D wiring is the product of its two axes'
// wirings, and so are the multilinear extensions below (the h and w variables are disjoint).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "poly/multilinear.hpp"
#include "zkml/zkml.hpp"

namespace zk::zkml::detail {

struct Axis {
  WindowAxis window;
  uint32_t in = 1, out = 1;  // I and P

  // src(p, k), or -1 outside the input.
  int64_t source(uint32_t p, uint32_t k) const {
    const int64_t s = int64_t{p} * window.stride + int64_t{k} * window.dilation - window.pad;
    return s >= 0 && s < in ? s : -1;
  }
  // Whether every output position reads at least one input position (O(P)).
  bool every_window_reaches_input() const {
    for (uint32_t p = 0; p < out; ++p) {
      const int64_t start = int64_t{p} * window.stride - window.pad;  // src(p, 0)
      // the first k with src(p, k) >= 0
      const int64_t k = start >= 0 ? 0 : (-start + window.dilation - 1) / window.dilation;
      if (k >= window.kernel || start + k * window.dilation >= in) return false;
    }
    return true;
  }
};

inline Axis axis_h(const Layer& layer) { return {layer.win_h, layer.in.h, layer.out.h}; }
inline Axis axis_w(const Layer& layer) { return {layer.win_w, layer.in.w, layer.out.w}; }

// sum over p < P, k < K with src(p, k) inside the input of a[p] b[k] c[src(p, k)]; c empty: 1.
// With a = eq(rho, .), b = eq(zeta_k, .), c = eq(zeta_i, .) this is the multilinear extension of
// the axis wiring [src(p, k) = i] at (rho, zeta_k, zeta_i).
template <class T>
T window_sum(const Axis& axis, std::span<const T> a, std::span<const T> b, std::span<const T> c) {
  T total = T::zero();
  for (uint32_t p = 0; p < axis.out; ++p) {
    T inner = T::zero();
    for (uint32_t k = 0; k < axis.window.kernel; ++k) {
      const int64_t s = axis.source(p, k);
      if (s < 0) continue;
      inner += c.empty() ? b[k] : b[k] * c[static_cast<size_t>(s)];
    }
    total += a[p] * inner;
  }
  return total;
}

// Per input position i (table of the padded input axis): sum over (p, k) with src(p, k) = i of
// a[p] b[k]. The prover's side of window_sum (window_sum(a, b, c) = <scatter(a, b), c>).
template <class T>
std::vector<T> window_scatter(const Axis& axis, std::span<const T> a, std::span<const T> b, size_t in_padded) {
  std::vector<T> out(in_padded, T::zero());
  for (uint32_t p = 0; p < axis.out; ++p)
    for (uint32_t k = 0; k < axis.window.kernel; ++k) {
      const int64_t s = axis.source(p, k);
      if (s >= 0) out[static_cast<size_t>(s)] += a[p] * b[k];
    }
  return out;
}

// The (h, w) split of a point over a padded spatial grid (h variables first).
struct SpatialPoint {
  std::span<const E> h, w;
};
inline SpatialPoint split_spatial(std::span<const E> point, uint32_t h_vars) {
  return {point.first(h_vars), point.subspan(h_vars)};
}

inline std::vector<E> pointwise(std::span<const E> a, std::span<const E> b) {
  std::vector<E> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] * b[i];
  return out;
}

// Wire(rho_p, zeta_k, zeta_i): the multilinear extension of [valid, src(p, k) = i] over the padded
// (output position, kernel offset, input position) grids.
inline E wiring_eval(const Axis& h, const Axis& w, SpatialPoint rho_p, SpatialPoint zeta_k, SpatialPoint zeta_i) {
  auto axis = [](const Axis& a, std::span<const E> p, std::span<const E> k, std::span<const E> i) {
    const auto ep = eq_table<E>(p), ek = eq_table<E>(k), ei = eq_table<E>(i);
    return window_sum<E>(a, ep, ek, ei);
  };
  return axis(h, rho_p.h, zeta_k.h, zeta_i.h) * axis(w, rho_p.w, zeta_k.w, zeta_i.w);
}

// V(zeta_k, zeta_p): the multilinear extension of [k < K, p < P, src(p, k) inside the input].
inline E validity_eval(const Axis& h, const Axis& w, SpatialPoint zeta_k, SpatialPoint zeta_p) {
  auto axis = [](const Axis& a, std::span<const E> k, std::span<const E> p) {
    const auto ep = eq_table<E>(p), ek = eq_table<E>(k);
    return window_sum<E>(a, ep, ek, {});
  };
  return axis(h, zeta_k.h, zeta_p.h) * axis(w, zeta_k.w, zeta_p.w);
}

// sum_p eq(rho_p, p) eq(zeta_p, p) sum_k eq(rho_k, k) V(k, p): the multilinear extension at zeta_p
// of V_rho(p) = eq(rho_p, p) sum_k eq(rho_k, k) V(k, p).
inline E weighted_validity_eval(const Axis& h, const Axis& w, SpatialPoint rho_p, SpatialPoint rho_k,
                                SpatialPoint zeta_p) {
  auto axis = [](const Axis& a, std::span<const E> p, std::span<const E> k, std::span<const E> z) {
    const auto ep = pointwise(eq_table<E>(p), eq_table<E>(z)), ek = eq_table<E>(k);
    return window_sum<E>(a, ep, ek, {});
  };
  return axis(h, rho_p.h, rho_k.h, zeta_p.h) * axis(w, rho_p.w, rho_k.w, zeta_p.w);
}

// Sum pooling with per-position multipliers M(p) (one per output position p = ph P_w + pw, or one):
// sum_p eq(rho_p, p) M(p) sum_k [src(p, k) = i] at zeta_i. The multipliers do not factor, so the
// sum runs over the output positions: O(P + P_h K_h + P_w K_w).
inline E pooling_wiring_eval(const Axis& h, const Axis& w, std::span<const int64_t> multipliers, SpatialPoint rho_p,
                             SpatialPoint zeta_i) {
  auto per_position = [](const Axis& a, std::span<const E> i) {
    const auto ei = eq_table<E>(i);
    std::vector<E> out(a.out, E::zero());
    for (uint32_t p = 0; p < a.out; ++p)
      for (uint32_t k = 0; k < a.window.kernel; ++k)
        if (const int64_t s = a.source(p, k); s >= 0) out[p] += ei[static_cast<size_t>(s)];
    return out;
  };
  const auto sh = per_position(h, zeta_i.h), sw = per_position(w, zeta_i.w);
  const auto eh = eq_table<E>(rho_p.h), ew = eq_table<E>(rho_p.w);
  E total = E::zero();
  for (uint32_t ph = 0; ph < h.out; ++ph)
    for (uint32_t pw = 0; pw < w.out; ++pw) {
      const int64_t m = multipliers.size() == 1 ? multipliers[0] : multipliers[size_t{ph} * w.out + pw];
      total += eh[ph] * ew[pw] * E::from_i64(m) * sh[ph] * sw[pw];
    }
  return total;
}

}  // namespace zk::zkml::detail
