// Expected-style results for decoders and verifiers: a value, or the reason it could not be had.
// Only internal prover invariants abort; everything that reads untrusted bytes returns Result.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace zk {

struct Error {
  std::string reason;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const std::string& error() const { return std::get<1>(state_).reason; }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success, or a reason.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error.reason)), failed_(true) {}  // NOLINT

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
  bool failed_ = false;
};

using Status = Result<void>;

inline Error fail(std::string reason) { return Error{std::move(reason)}; }

}  // namespace zk

// Propagates a failed Result<...> from the enclosing function, prefixing context.
#define ZK_TRY(expr)                              \
  do {                                            \
    auto zk_try_status_ = (expr);                 \
    if (!zk_try_status_.ok())                     \
      return ::zk::fail(zk_try_status_.error());  \
  } while (0)
