#include "CapabilityReport.h"

#include <gtest/gtest.h>

#include "AgentProtocol.h"

using namespace cxlrig;

TEST(CapabilityReport, OneLinePerTableEntryOnlyTrueCounts) {
  nlohmann::json caps = {{"driver:fsdev_dax", true}, {"cxl:dcd", false}, {"kernel:kasan", "yes"}, {"debugfs:hwpoison", true}};
  std::map<std::string, bool> got;
  for (auto& l : capability_lines(caps)) got[l.key] = l.present;
  EXPECT_EQ(got.size(), std::size(proto::kCapabilities));
  EXPECT_TRUE(got["driver:fsdev_dax"]);
  EXPECT_FALSE(got["cxl:dcd"]);
  EXPECT_FALSE(got["kernel:kasan"]) << "only a JSON true counts";
  EXPECT_FALSE(got["kernel:kcsan"]) << "absent";
  EXPECT_TRUE(got["debugfs:hwpoison"]);
}

TEST(CapabilityReport, MissingOnesSayWhyAndWhatNeedsThem) {
  const std::string text = render_capabilities("7.3.4+deb13-amd64", {{"driver:fsdev_dax", true}});
  EXPECT_NE(text.find("kernel 7.3.4+deb13-amd64"), std::string::npos);
  EXPECT_NE(text.find("SKIP: madvise: ENOSYS: the kernel lacks CONFIG_ADVISE_SYSCALLS (--inject madvise)"),
            std::string::npos) << text;
  EXPECT_EQ(text.find("CONFIG_DEV_DAX_FSDEV"), std::string::npos) << text;
}
