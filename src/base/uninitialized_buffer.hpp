// A heap array whose elements start without a value, for buffers that a kernel then overwrites in
// full (codewords, masked tables): a std::vector would first fill them with zeros, one more pass
// over memory that costs about as much as a copy. The element type must be an implicit-lifetime
// type that needs no destruction (trivially copyable and destructible, as the field elements are):
// the allocation creates its objects (C++20, [intro.object]/10), whose values are then unspecified
// until written.
#pragma once

#include <cstddef>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

namespace zk {

template <class T>
class UninitializedBuffer {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
  static constexpr std::align_val_t kAlignment{64};

 public:
  UninitializedBuffer() = default;
  explicit UninitializedBuffer(size_t size)
      : data_(size == 0 ? nullptr : static_cast<T*>(::operator new(size * sizeof(T), kAlignment))), size_(size) {}
  UninitializedBuffer(UninitializedBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  UninitializedBuffer& operator=(UninitializedBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    return *this;
  }
  UninitializedBuffer(const UninitializedBuffer&) = delete;
  UninitializedBuffer& operator=(const UninitializedBuffer&) = delete;
  ~UninitializedBuffer() {
    if (data_ != nullptr) ::operator delete(data_, kAlignment);
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<T> span() { return {data_, size_}; }
  std::span<const T> span() const { return {data_, size_}; }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace zk
