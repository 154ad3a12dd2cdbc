#include "SpecFields.h"

#include <gtest/gtest.h>

using namespace cxlrig;
using nlohmann::json;

TEST(SpecFields, Sizes) {
  EXPECT_EQ(parse_size("4G", "f"), 4ull << 30);
  EXPECT_EQ(parse_size("512M", "f"), 512ull << 20);
  EXPECT_EQ(parse_size("0x1000", "f"), 4096u);
  EXPECT_EQ(parse_size(2048u, "f"), 2048u);
  EXPECT_THROW(parse_size("G", "f"), InputError);
  EXPECT_THROW(parse_size(-1, "f"), InputError);
  EXPECT_THROW(parse_size(1.5, "f"), InputError);
  EXPECT_THROW(parse_size("4X", "f"), InputError);
  EXPECT_THROW(parse_size("99999999999T", "f"), InputError);  // overflows 64 bits
}

// stoull() takes "-4G" as 2^64 - 4 GiB: a negative size must be refused by name.
TEST(SpecFields, NegativeSizeStringNamesTheField) {
  try {
    parse_size("-4G", "t.backends[0].size");
    FAIL() << "accepted -4G";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "t.backends[0].size");
    EXPECT_NE(std::string(e.what()).find("negative"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_size(" 4G", "f"), InputError);
}

TEST(SpecFields, UnknownKeyNamesItAndTheChoices) {
  try {
    only_keys(json{{"name", "x"}, {"nmae", "y"}}, "f.json", {"name", "description"});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "f.json.nmae");
    EXPECT_NE(std::string(e.what()).find("description, name"), std::string::npos) << e.what();
  }
}

TEST(SpecFields, Seconds) {
  EXPECT_EQ(parse_seconds(30, "f"), 30);
  EXPECT_EQ(parse_seconds("90s", "f"), 90);
  EXPECT_EQ(parse_seconds("5m", "f"), 300);
  EXPECT_THROW(parse_seconds(0, "f"), InputError);
  EXPECT_THROW(parse_seconds("-3s", "f"), InputError);
  EXPECT_THROW(parse_seconds("3h", "f"), InputError);
}
