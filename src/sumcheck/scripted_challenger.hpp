// A challenger for exhaustive tests of interactive protocols: it hands out a given sequence of
// challenges in order and absorbs nothing, so a test can enumerate every challenge sequence over
// a tiny field. It has the interface protocols use of Transcript (absorb*, challenge).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace zk {

template <class Field>
class ScriptedChallenger {
 public:
  explicit ScriptedChallenger(std::vector<Field> script) : script_(std::move(script)) {}
  void absorb_u64(std::string_view, uint64_t) {}
  template <class Value>
  void absorb(std::string_view, const Value&) {}
  template <class Value>
  void absorb_all(std::string_view, std::span<const Value>) {}
  template <class Value>
  Value challenge(std::string_view) {
    return script_.at(next_++);
  }

 private:
  std::vector<Field> script_;
  size_t next_ = 0;
};

}  // namespace zk
