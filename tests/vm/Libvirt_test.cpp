// The second backend: the same topology as a transient libvirt domain, QMP through
// libvirt, the agent over the virtio-serial channel. libvirtd is brought up by
// tests/vm/libvirtd-up (installs it from bookworm-backports, starts virtlogd and libvirtd).
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/process.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "RunHarness.h"
#include "Subprocess.h"

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace cxlrig::test;

namespace {

class Libvirt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = cxlrig::run_command({std::string(CXLRIG_SOURCE_DIR) + "/tests/vm/libvirtd-up"}, std::chrono::minutes(10));
    up_ = r.exit_code == 0;
    why_ = r.tail(20);
  }
  void SetUp() override { ASSERT_TRUE(up_) << "tests/vm/libvirtd-up failed:\n" << why_; }
  static bool up_;
  static std::string why_;
};
bool Libvirt::up_ = false;
std::string Libvirt::why_;

// Domains libvirt still knows whose name the run used (domain.xml's <name>).
bool domain_still_defined(const std::string& dir) {
  const std::string xml = read_text(dir + "/domain.xml");
  auto a = xml.find("<name>"), b = xml.find("</name>");
  if (a == std::string::npos || b == std::string::npos) throw std::runtime_error("no <name> in " + dir + "/domain.xml");
  const std::string name = xml.substr(a + 6, b - a - 6);
  auto r = cxlrig::run_command({"virsh", "-c", "qemu:///system", "list", "--all", "--name"}, std::chrono::seconds(30));
  if (r.exit_code != 0) throw std::runtime_error("virsh list failed: " + r.output);
  return r.output.find(name) != std::string::npos;
}

// What a row claims, whichever backend produced it.
std::map<std::string, std::string> rows_by_key(const nlohmann::json& results) {
  std::map<std::string, std::string> m;
  for (auto& c : results.at("checks")) {
    std::string key = c["layout"].dump() + "/" + c.value("device", "") + "/" + c.value("driver", "") + "/" +
                      c["range"].dump() + "/" + c.value("point", "") + "/" + c.value("path", "");
    nlohmann::json claim{{"phys", c["phys"]}, {"offset", c["expected_offset"]}, {"verdict", c["verdict"]}};
    for (auto& [obs, cell] : c["observers"].items())
      claim["observers"][obs] = {cell["observed"], cell["verdict"]};
    m[key] = claim.dump();
  }
  return m;
}

nlohmann::json memory_failures(const nlohmann::json& results) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& e : results["capabilities"]["qmp_events"])
    if (e["event"] == "MEMORY_FAILURE") out.push_back(e["data"]);
  return out;
}

}  // namespace

// Issue 4's "done when": the default scenario through libvirt, row for row what the direct
// backend reports for the same seed.
TEST_F(Libvirt, DefaultScenarioMatchesTheDirectBackend) {
  auto direct_dir = fresh_out_dir("libvirt-baseline-direct");
  auto direct = run_cxlrig({"run", "--seed", "3"}, direct_dir);
  ASSERT_EQ(direct.exit_code, 0) << direct.output;

  auto dir = fresh_out_dir("libvirt-default");
  auto r = run_cxlrig({"run", "--seed", "3", "--backend", "libvirt"}, dir);
  ASSERT_FALSE(r.results.is_null()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.results["summary"]["fail"], 0);
  EXPECT_EQ(rows_by_key(r.results), rows_by_key(direct.results));
  // MEMORY_FAILURE reached us through libvirt's QMP event stream, the same ones in the same
  // order (libvirt's domain also reports VSERPORT_CHANGE, STOP, ...: not compared).
  EXPECT_EQ(memory_failures(r.results), memory_failures(direct.results));
  EXPECT_FALSE(memory_failures(r.results).empty());
  for (auto a : {"console.log", "qmp.log", "agent.log", "domain.xml", "qemu.log", "junit.xml", "results.json"})
    EXPECT_TRUE(r.has(a)) << a;
  EXPECT_FALSE(r.has("qemu.cmdline"));
  EXPECT_NE(read_text(dir + "/qemu.log").find("pxb-cxl"), std::string::npos) << "libvirt's log of the domain (its QEMU command line)";
  EXPECT_TRUE(leftover_qemu(dir).empty());
  EXPECT_FALSE(domain_still_defined(dir));
}

TEST_F(Libvirt, HungGuestTimesOutAndTheDomainIsDestroyed) {
  auto dir = fresh_out_dir("libvirt-hang");
  auto r = run_cxlrig({"run", "--backend", "libvirt", "--kernel-arg", "rdinit=/bin/busybox", "--kernel-arg=-- sleep 3600",
                       "--timeout", "40"},
                      dir);
  EXPECT_EQ(r.exit_code, 125) << r.output;
  ASSERT_FALSE(r.results.is_null());
  EXPECT_NE(r.results["error"].get<std::string>().find("timed out"), std::string::npos) << r.results["error"];
  EXPECT_TRUE(r.has("console.log"));
  EXPECT_TRUE(leftover_qemu(dir).empty());
  EXPECT_FALSE(domain_still_defined(dir));
}

// The harness killed outright cannot destroy anything: the domain was started with
// VIR_DOMAIN_START_AUTODESTROY, so libvirtd destroys it when our connection drops.
TEST_F(Libvirt, SigkilledHarnessTakesItsDomainAlong) {
  auto dir = fresh_out_dir("libvirt-sigkill");
  bp::child c(CXLRIG_BIN, "run", "--backend", "libvirt", "--out", dir, (bp::std_out & bp::std_err) > bp::null);
  ASSERT_TRUE(wait_for_agent_op(dir, "load_modules", std::chrono::minutes(10)));
  ASSERT_FALSE(leftover_qemu(dir).empty()) << "the guest should be running now";
  ::kill(c.id(), SIGKILL);
  c.wait();
  auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < gone_by && !leftover_qemu(dir).empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(leftover_qemu(dir).empty());
  EXPECT_FALSE(domain_still_defined(dir));
}

TEST_F(Libvirt, UnreachableDaemonIsInfrastructureWithArtifacts) {
  auto dir = fresh_out_dir("libvirt-no-daemon");
  auto r = run_cxlrig({"run", "--backend", "libvirt", "--connect", "qemu:///system?socket=/nonexistent/sock"}, dir);
  EXPECT_EQ(r.exit_code, 125) << r.output;
  ASSERT_FALSE(r.results.is_null());
  EXPECT_NE(r.results["error"].get<std::string>().find("cannot connect to libvirt"), std::string::npos) << r.results["error"];
  EXPECT_TRUE(r.has("domain.xml"));
  EXPECT_TRUE(r.has("junit.xml"));
}
