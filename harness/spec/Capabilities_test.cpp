#include "Capabilities.h"

#include <gtest/gtest.h>

#include <set>

#include "InputError.h"

using namespace cxlrig;

TEST(Capabilities, UnknownRequirementIsBadInputListingTheKeys) {
  try {
    check_capability_keys({"driver:device_dax", "driver:fsdev-dax"}, "s.json.devices[0].requires");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "s.json.devices[0].requires[1]");
    const std::string m = e.what();
    EXPECT_NE(m.find("driver:fsdev-dax"), std::string::npos) << m;
    EXPECT_NE(m.find("driver:fsdev_dax"), std::string::npos) << m;  // listed among the known keys
  }
}

TEST(Capabilities, UnmetNamesTheConfigOption) {
  CapabilitySet caps;
  caps.kernel_release = "7.3.4";
  caps.set("mm:memory_failure", true);
  caps.set("syscall:madvise", false);
  EXPECT_EQ(caps.unmet({"mm:memory_failure"}), "");
  const std::string why = caps.unmet({"mm:memory_failure", "syscall:madvise"});
  EXPECT_NE(why.find("madvise: ENOSYS: the kernel lacks CONFIG_ADVISE_SYSCALLS"), std::string::npos) << why;
  EXPECT_NE(caps.unmet({"driver:fsdev_dax"}).find("CONFIG_DEV_DAX_FSDEV"), std::string::npos);
  EXPECT_THROW(caps.set("no-such-key", true), std::logic_error);
}

// Every key is unique and every entry says what a missing one costs.
TEST(Capabilities, TableIsWellFormed) {
  std::set<std::string> keys;
  for (auto& c : proto::kCapabilities) {
    EXPECT_TRUE(keys.insert(c.key).second) << c.key;
    EXPECT_GT(std::string(c.missing).size(), 10u) << c.key;
    if (c.probe != proto::Probe::kHost) {
      EXPECT_FALSE(std::string(c.arg).empty()) << c.key;
    }
  }
}
