#include "KernelLock.h"

#include <gtest/gtest.h>

#include "InputError.h"

using namespace cxlrig;

TEST(KernelLock, ShippedLockParsesAndRoundTrips) {
  auto lock = load_kernel_lock(std::string(CXLRIG_DATA_DIR) + "/images/kernels.lock.json");
  EXPECT_EQ(lock.default_series, "7.3");
  EXPECT_TRUE(lock.series.count("6.12"));
  for (auto& [name, s] : lock.series)
    for (auto& p : s.kernel.packages) EXPECT_EQ(p.sha256.size(), 64u) << p.name;
  auto again = parse_kernel_lock(to_json(lock), "x");
  EXPECT_EQ(again.series.at("7.3").kernel.abi, lock.series.at("7.3").kernel.abi);
  EXPECT_EQ(lock.suites().size(), 2u);
}

TEST(KernelLock, UnknownSeriesNamesTheChoices) {
  auto lock = load_kernel_lock(std::string(CXLRIG_DATA_DIR) + "/images/kernels.lock.json");
  try {
    lock.at("5.10");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("6.12"), std::string::npos);
  }
}

TEST(KernelLock, MalformedIsInputError) {
  EXPECT_THROW(parse_kernel_lock(nlohmann::json::parse(R"({"default":"7.3"})"), "x"), InputError);
  EXPECT_THROW(parse_kernel_lock(nlohmann::json::parse(R"({"default":"9","series":{}})"), "x"), InputError);
}
