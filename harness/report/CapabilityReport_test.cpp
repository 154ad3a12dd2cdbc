#include "CapabilityReport.h"

#include <gtest/gtest.h>

using namespace cxlrig;

TEST(CapabilityReport, MissingAndNonBooleanCapabilitiesAreAbsent) {
  nlohmann::json caps = {{"driver:fsdev_dax", true}, {"cxl:dcd", false}, {"kasan", "yes"}, {"poison:corrupt_pfn", true}};
  bool fsdev = false, dcd = true, kasan = true, hwpoison = false, kcsan = true;
  for (auto& l : capability_lines(caps)) {
    if (l.name == "fsdev_dax") fsdev = l.present;
    if (l.name == "dcd") dcd = l.present;
    if (l.name == "KASAN") kasan = l.present;
    if (l.name == "KCSAN") kcsan = l.present;
    if (l.name == "hwpoison inject") hwpoison = l.present;
  }
  EXPECT_TRUE(fsdev);
  EXPECT_FALSE(dcd);
  EXPECT_FALSE(kasan) << "only a JSON true counts";
  EXPECT_FALSE(kcsan) << "absent";
  EXPECT_TRUE(hwpoison);
}

TEST(CapabilityReport, MissingOnesSayWhatIsSkipped) {
  const std::string text = render_capabilities("7.3.4+deb13-amd64", {{"driver:fsdev_dax", true}});
  EXPECT_NE(text.find("kernel 7.3.4+deb13-amd64"), std::string::npos);
  EXPECT_NE(text.find("fsdev_dax"), std::string::npos);
  EXPECT_NE(text.find("SKIP: DC extents"), std::string::npos) << text;
  EXPECT_EQ(text.find("SKIP: fsdev_dax devices"), std::string::npos) << text;
}
