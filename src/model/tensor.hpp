// Dense row-major tensors used by the model module, and the resource limits every decoder obeys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace zk::model {

// Hard caps that keep hostile models and inputs from exhausting memory or time.
struct Limits {
  static constexpr std::size_t kMaxModelBytes = std::size_t{256} << 20;  // .onnx file size
  static constexpr std::size_t kMaxInputBytes = std::size_t{64} << 20;   // input.json / .pb size
  static constexpr int64_t kMaxTensorElements = int64_t{1} << 24;        // any single tensor
  static constexpr int64_t kMaxTotalElements = int64_t{1} << 26;         // all tensors of one run
  static constexpr std::size_t kMaxRank = 8;
  static constexpr std::size_t kMaxNodes = 100000;
};

using Shape = std::vector<int64_t>;

template <class T>
struct Tensor {
  Shape shape;
  std::vector<T> data;
};

using FloatTensor = Tensor<double>;  // float reference values (double keeps int64 shape data exact)
using IntTensor = Tensor<int64_t>;   // quantized values, accumulators, weights

// Number of elements of `shape`; fails on negative dims, rank above kMaxRank, or more than
// kMaxTensorElements elements.
inline Result<int64_t> element_count(const Shape& shape) {
  if (shape.size() > Limits::kMaxRank)
    return fail("tensor rank " + std::to_string(shape.size()) + " exceeds the limit of " +
                std::to_string(Limits::kMaxRank));
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return fail("negative tensor dimension " + std::to_string(dim));
    if (dim != 0 && count > Limits::kMaxTensorElements / dim)
      return fail("tensor has more than " + std::to_string(Limits::kMaxTensorElements) +
                  " elements");
    count *= dim;
  }
  return count;
}

// Unchecked element count, for shapes already validated by element_count.
inline int64_t numel(const Shape& shape) {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;
  return count;
}

// Row-major strides of `shape`.
inline std::vector<int64_t> strides_of(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i > 1; --i) strides[i - 2] = strides[i - 1] * shape[i - 1];
  return strides;
}

inline std::string shape_to_string(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ",";
    text += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace zk::model
