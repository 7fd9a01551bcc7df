#include "field/field.hpp"
#include <gtest/gtest.h>
TEST(Placeholder, Builds) { EXPECT_EQ(zk::F::one() + zk::F::one(), zk::F::from_u64(2)); }
