#include "model/kernels.hpp"

namespace zk::model {

Result<Shape> broadcast_shapes(const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return fail("shapes " + shape_to_string(a) + " and " + shape_to_string(b) +
                  " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  auto count = element_count(out);
  if (!count) return fail(count.error());
  return out;
}

std::vector<int64_t> broadcast_offsets(const Shape& in, const Shape& out) {
  const std::size_t rank = out.size(), shift = rank - in.size();
  const auto in_strides = strides_of(in);
  std::vector<int64_t> strides(rank, 0);
  for (std::size_t d = shift; d < rank; ++d)
    strides[d] = in[d - shift] == 1 ? 0 : in_strides[d - shift];
  std::vector<int64_t> offsets(static_cast<std::size_t>(numel(out)));
  std::vector<int64_t> index(rank, 0);
  int64_t offset = 0;
  for (auto& o : offsets) {
    o = offset;
    for (std::size_t d = rank; d-- > 0;) {
      offset += strides[d];
      if (++index[d] < out[d]) break;
      offset -= strides[d] * index[d];
      index[d] = 0;
    }
  }
  return offsets;
}

Result<int64_t> normalize_axis(int64_t axis, std::size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r)
    return fail("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + r : axis;
}

}  // namespace zk::model
