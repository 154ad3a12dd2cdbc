#include "KconfigCheck.h"

#include <gtest/gtest.h>

using namespace cxlrig;

namespace {
const char* kKconfig = R"(
menuconfig DAX
	tristate "DAX"

if DAX
config DEV_DAX
	tristate "Device DAX"
	depends on TRANSPARENT_HUGEPAGE # for the pmd faults
	help
	  depends on nothing said here counts

config DEV_DAX_CXL
	tristate "CXL"
	depends on CXL_BUS && CXL_REGION && DEV_DAX
	depends on DEV_DAX_HMEM || !DEV_DAX_HMEM
endif
)";
}

TEST(KconfigCheck, ParsesSetAndNotSetLines) {
  auto v = parse_kconfig_values("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_NR_CPUS=64\nCONFIG_S=\"x y\"\n# comment\n");
  EXPECT_EQ(v.at("A"), "y");
  EXPECT_EQ(v.at("B"), "n");
  EXPECT_EQ(v.at("NR_CPUS"), "64");
  EXPECT_EQ(v.at("S"), "\"x y\"");
  EXPECT_EQ(v.size(), 4u);
}

TEST(KconfigCheck, IndexesEntriesAndTheirDependsLines) {
  KconfigIndex idx;
  index_kconfig_file(kKconfig, idx);
  ASSERT_EQ(idx.count("DAX"), 1u);
  EXPECT_TRUE(idx.at("DAX").empty());
  ASSERT_EQ(idx.at("DEV_DAX").size(), 1u);
  EXPECT_EQ(idx.at("DEV_DAX")[0], "TRANSPARENT_HUGEPAGE");
  EXPECT_EQ(idx.at("DEV_DAX_CXL").size(), 2u);
}

TEST(KconfigCheck, NamesUnmetDependenciesAndToleratesOptionsTheTreeLacks) {
  KconfigIndex idx;
  index_kconfig_file(kKconfig, idx);
  auto verdicts = check_kconfig({{"DAX", "y"}, {"DEV_DAX", "y"}, {"DEV_DAX_CXL", "y"}, {"DEV_DAX_FSDEV", "y"}},
                                {{"DAX", "y"}, {"DEV_DAX", "y"}, {"TRANSPARENT_HUGEPAGE", "y"}, {"CXL_BUS", "y"}},
                                idx);
  ASSERT_EQ(verdicts.size(), 4u);
  std::map<std::string, KconfigVerdict> by;
  for (auto& v : verdicts) by.emplace(v.option, v);
  EXPECT_EQ(by.at("DAX").kind, KconfigVerdict::kStuck);
  EXPECT_EQ(by.at("DEV_DAX").kind, KconfigVerdict::kStuck);
  EXPECT_EQ(by.at("DEV_DAX_FSDEV").kind, KconfigVerdict::kAbsentFromTree);
  const auto& cxl = by.at("DEV_DAX_CXL");
  EXPECT_EQ(cxl.kind, KconfigVerdict::kNotStuck);
  EXPECT_EQ(cxl.got, "n");
  // CXL_REGION is the unmet one; the negated DEV_DAX_HMEM alternative is met.
  EXPECT_NE(cxl.reason.find("(not set: CXL_REGION)"), std::string::npos) << cxl.reason;
  EXPECT_EQ(cxl.reason.find("DEV_DAX_HMEM ||"), std::string::npos) << cxl.reason;
  EXPECT_EQ(describe_not_stuck(verdicts).find("CONFIG_DEV_DAX_CXL (wanted y, got n)"), 0u);
}

TEST(KconfigCheck, ValueMismatchWithoutUnmetDependency) {
  KconfigIndex idx;
  idx["NR_CPUS"] = {};
  auto v = check_kconfig({{"NR_CPUS", "64"}}, {{"NR_CPUS", "2"}}, idx);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].kind, KconfigVerdict::kNotStuck);
  EXPECT_NE(v[0].reason.find("olddefconfig"), std::string::npos);
}

TEST(KconfigCheck, UnsetRequestOfAnAbsentOptionIsFine) {
  auto v = check_kconfig({{"SLUB_TINY", "n"}}, {}, {});
  EXPECT_EQ(v[0].kind, KconfigVerdict::kStuck);
}
