// Loader for tests/ref/vectors.txt, the known-answer vectors written by tests/ref/field_ref.py
// (an independent Python reference). Header-only; shared by field_test, poly_test and
// crypto_test, which include it by a path relative to their own source file.
//
// Format: one record per line, tokens separated by single spaces, first token = record kind;
// '#' lines are comments. Integers are decimal, byte strings lowercase hex ('-' = empty).
#pragma once

#include <charconv>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "field/field.hpp"

#ifndef ZKINFER_SOURCE_DIR
#error "ZKINFER_SOURCE_DIR must be defined (zk_add_test does it)"
#endif

namespace zk::ref {

struct Record {
  size_t line = 0;
  std::vector<std::string> tokens;  // tokens[0] is the kind
};

inline std::string vectors_path() { return std::string(ZKINFER_SOURCE_DIR) + "/tests/ref/vectors.txt"; }

inline const std::vector<Record>& all_records() {
  static const std::vector<Record> records = [] {
    std::ifstream in(vectors_path());
    if (!in) throw std::runtime_error("cannot open " + vectors_path());
    std::vector<Record> out;
    std::string text;
    size_t line_no = 0;
    while (std::getline(in, text)) {
      ++line_no;
      if (text.empty() || text[0] == '#') continue;
      Record r;
      r.line = line_no;
      size_t pos = 0;
      while (pos <= text.size()) {
        size_t next = text.find(' ', pos);
        if (next == std::string::npos) next = text.size();
        r.tokens.emplace_back(text.substr(pos, next - pos));
        pos = next + 1;
      }
      out.push_back(std::move(r));
    }
    return out;
  }();
  return records;
}

// All records of one kind, in file order.
inline std::vector<const Record*> records(std::string_view kind) {
  std::vector<const Record*> out;
  for (const Record& r : all_records())
    if (r.tokens[0] == kind) out.push_back(&r);
  return out;
}

// Sequential reader over one record's tokens (after the kind); throws on malformed input so a
// broken vector file fails the test instead of being skipped.
class Reader {
 public:
  explicit Reader(const Record& r) : r_(r) {}

  const std::string& str() {
    if (pos_ >= r_.tokens.size()) fail("record too short");
    return r_.tokens[pos_++];
  }
  uint64_t u64() {
    const std::string& s = str();
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) fail("bad u64 '" + s + "'");
    return v;
  }
  int64_t i64() {
    const std::string& s = str();
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) fail("bad i64 '" + s + "'");
    return v;
  }
  size_t size() { return static_cast<size_t>(u64()); }
  std::vector<uint8_t> bytes() {
    const std::string& s = str();
    if (s == "-") return {};
    if (s.size() % 2 != 0) fail("odd hex length");
    std::vector<uint8_t> out(s.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
      unsigned v = 0;
      auto [end, ec] = std::from_chars(s.data() + 2 * i, s.data() + 2 * i + 2, v, 16);
      if (ec != std::errc() || end != s.data() + 2 * i + 2) fail("bad hex '" + s + "'");
      out[i] = static_cast<uint8_t>(v);
    }
    return out;
  }
  // Call after the last field: the record must have been consumed exactly.
  bool done() const { return pos_ == r_.tokens.size(); }
  std::string where() const { return "vectors.txt line " + std::to_string(r_.line); }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(where() + ": " + what);
  }
  const Record& r_;
  size_t pos_ = 1;
};

inline std::string to_hex(const uint8_t* data, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[data[i] >> 4];
    s += digits[data[i] & 15];
  }
  return s;
}

// A canonical Goldilocks element, and an extension element as (c0, c1).
inline F read_f(Reader& r) {
  const uint64_t v = r.u64();
  if (v >= F::MODULUS) throw std::runtime_error(r.where() + ": non-canonical value");
  return F::from_canonical(v);
}
inline E read_e(Reader& r) {
  const F c0 = read_f(r);
  return {c0, read_f(r)};
}

}  // namespace zk::ref
