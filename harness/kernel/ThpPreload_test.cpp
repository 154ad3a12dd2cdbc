// The preload itself, in real processes: a probe program reports which of its large
// anonymous areas the kernel has marked VM_HUGEPAGE ("hg" in /proc/self/smaps), run once
// plain and once under LD_PRELOAD of the library kernel builds get (BuildEnvironment.h).
#include <gtest/gtest.h>

#include <chrono>

#include "Subprocess.h"

namespace cxlrig {
namespace {

// The probe's environment is `env` alone: an LD_PRELOAD the tests run under (ci/build's
// compile has one) is not inherited.
std::string probe(const std::vector<std::string>& env) {
  std::vector<std::string> argv = {"env", "-u", "LD_PRELOAD"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(CXLRIG_THP_PROBE_PATH);
  const auto r = run_command(argv, std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

TEST(ThpPreload, PlainProgramHasNoHugePageAdvice) {
  EXPECT_EQ(probe({}), "bss -\nmmap -\n");
}

TEST(ThpPreload, AdvisesLargeMmapsAndTheProgramsBss) {
  // .bss: objtool's 8 MiB hash table, cleared for every object; mmap: GCC's heap.
  EXPECT_EQ(probe({"LD_PRELOAD=" CXLRIG_THP_PRELOAD_PATH}), "bss hg\nmmap hg\n");
}

}  // namespace
}  // namespace cxlrig
