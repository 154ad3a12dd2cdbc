// Debian replaces backported kernels: a locked version gone from the mirror must not turn
// CI red. The rig takes the newest of the series and says so; --locked makes it an error.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "RunHarness.h"

namespace fs = std::filesystem;
using namespace cxlrig::test;

namespace {
// A data dir like the source tree, but whose lock names a 7.3 build Debian never published.
std::string data_dir_with_vanished_lock() {
  std::string d = std::string(CXLRIG_TEST_RUNS) + "/data-vanished-lock";
  fs::remove_all(d);
  fs::create_directories(d + "/images");
  fs::create_directories(d + "/guest-tests");
  fs::copy(std::string(CXLRIG_DATA_DIR) + "/qemu-configs", d + "/qemu-configs", fs::copy_options::recursive);
  fs::copy(std::string(CXLRIG_DATA_DIR) + "/guest-tests/scenarios", d + "/guest-tests/scenarios", fs::copy_options::recursive);
  std::ifstream in(std::string(CXLRIG_DATA_DIR) + "/images/kernels.lock.json");
  auto lock = nlohmann::json::parse(in);
  lock["series"]["7.3"]["abi"] = "7.3.0+deb13-amd64";
  for (auto& p : lock["series"]["7.3"]["packages"]) {
    std::string n = p["name"];
    p["name"] = n.replace(n.find("7.3."), 10, "7.3.0+deb13");
    p["version"] = "7.3.0-1~bpo13+1";
  }
  std::ofstream(d + "/images/kernels.lock.json") << lock.dump(2);
  return d;
}
}  // namespace

TEST(KernelLock, VanishedLockedVersionFallsBackToNewestOfTheSeries) {
  std::string data = data_dir_with_vanished_lock();
  setenv("CXLRIG_DATA", data.c_str(), 1);
  auto dir = fresh_out_dir("vanished-lock");
  auto r = run_cxlrig({"run"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("is gone from the mirror"), std::string::npos) << r.output;
  ASSERT_FALSE(r.results.is_null());
  EXPECT_FALSE(r.results["kernel"]["substituted"].is_null());
  EXPECT_EQ(r.results["kernel"]["series"], "7.3");

  auto strict = run_cxlrig({"run", "--locked"}, fresh_out_dir("vanished-lock-strict"));
  EXPECT_EQ(strict.exit_code, 125) << strict.output;
  EXPECT_NE(strict.output.find("--locked"), std::string::npos) << strict.output;
  unsetenv("CXLRIG_DATA");
}
