// Index arithmetic shared by the float and the integer engine: broadcasting, data movement,
// convolution / pooling windows and batched matrix products. Arithmetic goes through a policy
// (FloatArith or IntArith) so the integer engine detects overflow instead of wrapping.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "model/tensor.hpp"

namespace zk::model {

// Every integer intermediate must satisfy |v| < kIntBound (= 2^62) so that it embeds into the
// Goldilocks field as a signed integer with room to spare, and sums of two never overflow int64.
constexpr int64_t kIntBound = int64_t{1} << 62;

struct FloatArith {
  using T = double;
  static bool mul_add(double& acc, double a, double b) {
    acc += a * b;
    return true;
  }
  static bool add(double& acc, double a) {
    acc += a;
    return true;
  }
};

struct IntArith {
  using T = int64_t;
  static bool in_bound(int64_t v) { return v > -kIntBound && v < kIntBound; }
  static bool mul_add(int64_t& acc, int64_t a, int64_t b) {
    int64_t product;
    if (__builtin_mul_overflow(a, b, &product) || !in_bound(product)) return false;
    acc += product;
    return in_bound(acc);
  }
  static bool add(int64_t& acc, int64_t a) {
    if (!in_bound(a)) return false;
    acc += a;
    return in_bound(acc);
  }
};

// Numpy-style broadcast of two shapes.
Result<Shape> broadcast_shapes(const Shape& a, const Shape& b);

// For every element of `out` (row-major), the flat index of the element of a tensor of shape `in`
// it reads under broadcasting. `in` must broadcast to `out`.
std::vector<int64_t> broadcast_offsets(const Shape& in, const Shape& out);

// Resolves a possibly negative axis against `rank`.
Result<int64_t> normalize_axis(int64_t axis, std::size_t rank);

template <class T>
Tensor<T> transpose(const Tensor<T>& in, const std::vector<int64_t>& perm) {
  Tensor<T> out;
  for (int64_t p : perm) out.shape.push_back(in.shape[p]);
  out.data.resize(in.data.size());
  const auto in_strides = strides_of(in.shape);
  std::vector<int64_t> index(perm.size(), 0);
  for (std::size_t flat = 0; flat < out.data.size(); ++flat) {
    int64_t offset = 0;
    for (std::size_t d = 0; d < perm.size(); ++d) offset += index[d] * in_strides[perm[d]];
    out.data[flat] = in.data[offset];
    for (std::size_t d = perm.size(); d-- > 0;) {
      if (++index[d] < out.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

// Concatenation along `axis` (already normalized); shapes agree elsewhere.
template <class T>
Tensor<T> concat(const std::vector<const Tensor<T>*>& parts, int64_t axis) {
  Tensor<T> out;
  out.shape = parts[0]->shape;
  out.shape[axis] = 0;
  for (const auto* p : parts) out.shape[axis] += p->shape[axis];
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= out.shape[d];
  out.data.reserve(static_cast<std::size_t>(numel(out.shape)));
  for (int64_t o = 0; o < outer; ++o)
    for (const auto* p : parts) {
      int64_t block = static_cast<int64_t>(p->data.size()) / std::max<int64_t>(outer, 1);
      out.data.insert(out.data.end(), p->data.begin() + o * block, p->data.begin() + (o + 1) * block);
    }
  return out;
}

enum class PadMode { Constant, Reflect, Edge };

// Pads by `pads` = [begin_0..begin_{r-1}, end_0..end_{r-1}] (non-negative; output dims checked by
// the caller).
template <class T>
Tensor<T> pad(const Tensor<T>& in, const std::vector<int64_t>& pads, PadMode mode, T value) {
  const std::size_t rank = in.shape.size();
  Tensor<T> out;
  for (std::size_t d = 0; d < rank; ++d) out.shape.push_back(in.shape[d] + pads[d] + pads[d + rank]);
  out.data.resize(static_cast<std::size_t>(numel(out.shape)));
  const auto in_strides = strides_of(in.shape);
  std::vector<int64_t> index(rank, 0);
  for (std::size_t flat = 0; flat < out.data.size(); ++flat) {
    int64_t offset = 0;
    bool inside = true;
    for (std::size_t d = 0; d < rank; ++d) {
      int64_t i = index[d] - pads[d];
      const int64_t n = in.shape[d];
      if (i < 0 || i >= n) {
        if (mode == PadMode::Constant) {
          inside = false;
          break;
        }
        if (mode == PadMode::Edge) {
          i = std::clamp<int64_t>(i, 0, n - 1);
        } else {
          const int64_t period = 2 * (n - 1);
          i = period == 0 ? 0 : ((i % period) + period) % period;
          if (i >= n) i = period - i;
        }
      }
      offset += i * in_strides[d];
    }
    out.data[flat] = inside ? in.data[offset] : value;
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < out.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

// Strided slice: per axis, elements start, start+step, ... (count of them given by out_shape).
template <class T>
Tensor<T> slice(const Tensor<T>& in, const std::vector<int64_t>& starts,
                const std::vector<int64_t>& steps, const Shape& out_shape) {
  Tensor<T> out;
  out.shape = out_shape;
  out.data.resize(static_cast<std::size_t>(numel(out_shape)));
  const auto in_strides = strides_of(in.shape);
  std::vector<int64_t> index(out_shape.size(), 0);
  for (std::size_t flat = 0; flat < out.data.size(); ++flat) {
    int64_t offset = 0;
    for (std::size_t d = 0; d < index.size(); ++d)
      offset += (starts[d] + index[d] * steps[d]) * in_strides[d];
    out.data[flat] = in.data[offset];
    for (std::size_t d = index.size(); d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

// Gather along `axis` with in-range non-negative `indices` of shape `index_shape`.
template <class T>
Tensor<T> gather(const Tensor<T>& in, int64_t axis, const std::vector<int64_t>& indices,
                 const Shape& index_shape) {
  Tensor<T> out;
  out.shape.assign(in.shape.begin(), in.shape.begin() + axis);
  out.shape.insert(out.shape.end(), index_shape.begin(), index_shape.end());
  out.shape.insert(out.shape.end(), in.shape.begin() + axis + 1, in.shape.end());
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= in.shape[d];
  for (std::size_t d = axis + 1; d < in.shape.size(); ++d) inner *= in.shape[d];
  const int64_t axis_len = in.shape[axis];
  out.data.reserve(static_cast<std::size_t>(outer) * indices.size() * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t idx : indices) {
      auto begin = in.data.begin() + (o * axis_len + idx) * inner;
      out.data.insert(out.data.end(), begin, begin + inner);
    }
  return out;
}

// 2-D window geometry (1-D ops use h = 1). pads: top, left, bottom, right.
struct Window {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t out_h = 1, out_w = 1;
};

// NCHW convolution: in [n,c,h,w], weight [oc, c/group, kh, kw] -> out [n, oc, out_h, out_w] (no bias).
template <class Arith>
bool conv2d(const Tensor<typename Arith::T>& in, const Tensor<typename Arith::T>& weight,
            const Window& win, int64_t group, Tensor<typename Arith::T>& out) {
  const int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  const int64_t oc = weight.shape[0], cg = c / group, ocg = oc / group;
  out.shape = {n, oc, win.out_h, win.out_w};
  out.data.assign(static_cast<std::size_t>(n * oc * win.out_h * win.out_w), 0);
  std::size_t flat = 0;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < oc; ++o) {
      const int64_t g = o / ocg;
      for (int64_t oy = 0; oy < win.out_h; ++oy)
        for (int64_t ox = 0; ox < win.out_w; ++ox, ++flat) {
          typename Arith::T acc = 0;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t ky = 0; ky < win.kernel_h; ++ky) {
              const int64_t y = oy * win.stride_h - win.pad_top + ky * win.dilation_h;
              if (y < 0 || y >= h) continue;
              for (int64_t kx = 0; kx < win.kernel_w; ++kx) {
                const int64_t x = ox * win.stride_w - win.pad_left + kx * win.dilation_w;
                if (x < 0 || x >= w) continue;
                const auto a = in.data[((b * c + g * cg + ci) * h + y) * w + x];
                const auto k = weight.data[((o * cg + ci) * win.kernel_h + ky) * win.kernel_w + kx];
                if (!Arith::mul_add(acc, a, k)) return false;
              }
            }
          out.data[flat] = acc;
        }
    }
  return true;
}

enum class PoolKind { Max, Sum };

// NCHW pooling. Max pads with the lowest value; Sum returns window sums and, in `counts`, the
// divisor an average uses (window positions inside the input, or inside input+pads when
// count_include_pad).
template <class Arith>
bool pool2d(const Tensor<typename Arith::T>& in, const Window& win, PoolKind kind,
            bool count_include_pad, Tensor<typename Arith::T>& out, std::vector<int64_t>& counts) {
  using T = typename Arith::T;
  const int64_t n = in.shape[0], c = in.shape[1], h = in.shape[2], w = in.shape[3];
  out.shape = {n, c, win.out_h, win.out_w};
  out.data.assign(static_cast<std::size_t>(n * c * win.out_h * win.out_w), 0);
  counts.assign(out.data.size(), 0);
  std::size_t flat = 0;
  for (int64_t plane = 0; plane < n * c; ++plane)
    for (int64_t oy = 0; oy < win.out_h; ++oy)
      for (int64_t ox = 0; ox < win.out_w; ++ox, ++flat) {
        T acc = kind == PoolKind::Max ? std::numeric_limits<T>::lowest() : T{0};
        int64_t count = 0;
        for (int64_t ky = 0; ky < win.kernel_h; ++ky) {
          const int64_t y = oy * win.stride_h - win.pad_top + ky * win.dilation_h;
          const bool y_padded = y >= -win.pad_top && y < h + win.pad_bottom;
          for (int64_t kx = 0; kx < win.kernel_w; ++kx) {
            const int64_t x = ox * win.stride_w - win.pad_left + kx * win.dilation_w;
            if (y < 0 || y >= h || x < 0 || x >= w) {
              if (count_include_pad && y_padded && x >= -win.pad_left && x < w + win.pad_right)
                ++count;
              continue;
            }
            const T v = in.data[(plane * h + y) * w + x];
            ++count;
            if (kind == PoolKind::Max)
              acc = std::max(acc, v);
            else if (!Arith::add(acc, v))
              return false;
          }
        }
        out.data[flat] = acc;
        counts[flat] = count;
      }
  return true;
}

// Batched matrix product with numpy broadcasting of the batch dims: a [..., m, k], b [..., k, n]
// (both rank >= 2, batch dims already broadcastable to out_batch).
template <class Arith>
bool matmul(const Tensor<typename Arith::T>& a, const Tensor<typename Arith::T>& b,
            const Shape& out_batch, Tensor<typename Arith::T>& out) {
  const std::size_t ra = a.shape.size(), rb = b.shape.size();
  const int64_t m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
  const Shape a_batch(a.shape.begin(), a.shape.end() - 2), b_batch(b.shape.begin(), b.shape.end() - 2);
  const auto a_offsets = broadcast_offsets(a_batch, out_batch);
  const auto b_offsets = broadcast_offsets(b_batch, out_batch);
  out.shape = out_batch;
  out.shape.push_back(m);
  out.shape.push_back(n);
  out.data.assign(a_offsets.size() * m * n, 0);
  for (std::size_t batch = 0; batch < a_offsets.size(); ++batch) {
    const auto* pa = a.data.data() + a_offsets[batch] * m * k;
    const auto* pb = b.data.data() + b_offsets[batch] * k * n;
    auto* po = out.data.data() + batch * m * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        typename Arith::T acc = 0;
        for (int64_t t = 0; t < k; ++t)
          if (!Arith::mul_add(acc, pa[i * k + t], pb[t * n + j])) return false;
        po[i * n + j] = acc;
      }
  }
  return true;
}

}  // namespace zk::model
