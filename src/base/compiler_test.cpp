// Regression tests for code-generation bugs the build works around (see the root CMakeLists.txt).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

// Kept out of line so the initializer list is materialized the way the miscompiled code did.
__attribute__((noinline)) std::vector<int64_t> small_constant_list() { return {1, 1, 0, 0}; }

TEST(CompilerWorkaround, SmallConstantInitializerListIsExact) {
  EXPECT_EQ(small_constant_list(), (std::vector<int64_t>{1, 1, 0, 0}));
  const std::vector<int64_t> v = small_constant_list();
  EXPECT_EQ(v[2], 0);
  EXPECT_EQ(v[3], 0);
}

}  // namespace
