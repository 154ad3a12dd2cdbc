#include "DebIndex.h"

#include <gtest/gtest.h>

using namespace cxlrig;

namespace {
std::string stanza(const std::string& name, const std::string& ver, const std::string& sha = "ab") {
  return "Package: " + name + "\nSource: linux\nVersion: " + ver + "\nDepends: kmod,\n foo\nFilename: pool/main/l/" +
         name + "_" + ver + "_amd64.deb\nSize: 1900\nSHA256: " + sha + "\nDescription: x\n y\n\n";
}
}  // namespace

TEST(DebIndex, ParsesStanzas) {
  auto idx = parse_packages_index(stanza("linux-binary-7.3.4+deb13-amd64", "7.3.4-1~bpo13+1", "7e32") +
                                  stanza("hello", "1.0"));
  ASSERT_EQ(idx.size(), 2u);
  EXPECT_EQ(idx[0].name, "linux-binary-7.3.4+deb13-amd64");
  EXPECT_EQ(idx[0].version, "7.3.4-1~bpo13+1");
  EXPECT_EQ(idx[0].sha256, "7e32");
  EXPECT_EQ(idx[0].size, 1900u);
  EXPECT_EQ(idx[0].filename, "pool/main/l/linux-binary-7.3.4+deb13-amd64_7.3.4-1~bpo13+1_amd64.deb");
}

TEST(DebIndex, VersionOrderFollowsDpkg) {
  EXPECT_LT(compare_deb_versions("7.3.4-1~bpo13+1", "7.3.4-1"), 0);
  EXPECT_LT(compare_deb_versions("7.3.4-1", "7.3.10-1"), 0);
  EXPECT_LT(compare_deb_versions("7.3~rc7-1", "7.3-1"), 0);
  EXPECT_GT(compare_deb_versions("1:1.0", "9.9"), 0);
  EXPECT_EQ(compare_deb_versions("6.12.95-1~bpo12+1", "6.12.95-1~bpo12+1"), 0);
}

TEST(DebIndex, NewestOf7xPairsBinaryAndModules) {
  auto idx = parse_packages_index(
      stanza("linux-binary-7.3.4+deb13-amd64", "7.3.4-1~bpo13+1") + stanza("linux-modules-7.3.4+deb13-amd64", "7.3.4-1~bpo13+1") +
      stanza("linux-image-7.3.4+deb13-amd64", "7.3.4-1~bpo13+1") + stanza("linux-binary-7.3.10+deb13-amd64", "7.3.10-1~bpo13+1") +
      stanza("linux-modules-7.3.10+deb13-amd64", "7.3.10-1~bpo13+1") + stanza("linux-binary-7.2.12+deb13-amd64", "7.2.12-1") +
      stanza("linux-modules-7.2.12+deb13-amd64", "7.2.12-1") + stanza("linux-binary-7.30.1+deb13-amd64", "7.30.1-1"));
  auto k = newest_in_series(idx, "7.3");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->abi, "7.3.10+deb13-amd64");
  ASSERT_EQ(k->packages.size(), 2u);
  EXPECT_EQ(k->packages[0].name, "linux-binary-7.3.10+deb13-amd64");
  EXPECT_EQ(k->packages[1].name, "linux-modules-7.3.10+deb13-amd64");
  EXPECT_EQ(all_in_series(idx, "7.3").size(), 2u);
  EXPECT_FALSE(newest_in_series(idx, "7.4"));
}

TEST(DebIndex, Series612UsesTheSingleImagePreferringUnsigned) {
  auto idx = parse_packages_index(stanza("linux-image-6.12.94+deb12-amd64", "6.12.94-1~bpo12+1") +
                                  stanza("linux-image-6.12.95+deb12-amd64", "6.12.95-1~bpo12+1") +
                                  stanza("linux-image-6.12.95+deb12-amd64-unsigned", "6.12.95-1~bpo12+1") +
                                  stanza("linux-image-6.12.95+deb12-amd64-dbg", "6.12.95-1~bpo12+1") +
                                  stanza("linux-image-6.12.95+deb12-rt-amd64", "6.12.95-1~bpo12+1"));
  auto k = newest_in_series(idx, "6.12");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->abi, "6.12.95+deb12-amd64");
  ASSERT_EQ(k->packages.size(), 1u);
  EXPECT_EQ(k->packages[0].name, "linux-image-6.12.95+deb12-amd64-unsigned");
}

// From 7.0 linux-image-ABI is a meta package; when the index has dropped an old ABI's
// modules, what is left (meta image + binary) must not pass for a bootable kernel.
TEST(DebIndex, MetaImageWithoutModulesIsNotAKernel) {
  auto idx = parse_packages_index(stanza("linux-binary-7.0.4+deb13-amd64", "7.0.4-1~bpo13+1") +
                                  stanza("linux-image-7.0.4+deb13-amd64", "7.0.4-1~bpo13+1") +
                                  stanza("linux-binary-7.2.6+deb13-amd64", "7.2.6-1~bpo13+1") +
                                  stanza("linux-modules-7.2.6+deb13-amd64", "7.2.6-1~bpo13+1") +
                                  stanza("linux-image-7.2.6+deb13-amd64", "7.2.6-1~bpo13+1"));
  EXPECT_FALSE(newest_in_series(idx, "7.0"));
  auto k = newest_in_series(idx, "7.2");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->packages.size(), 2u);
}

TEST(DebIndex, AllKernelsSpansSeriesOldestFirst) {
  auto idx = parse_packages_index(stanza("linux-binary-7.2.6+deb13-amd64", "7.2.6-1~bpo13+1") +
                                  stanza("linux-modules-7.2.6+deb13-amd64", "7.2.6-1~bpo13+1") +
                                  stanza("linux-image-6.12.95+deb12-amd64", "6.12.95-1~bpo12+1") +
                                  stanza("linux-image-6.12.9+deb12-amd64", "6.12.9-1~bpo12+1") +
                                  stanza("linux-image-6.12.95+deb12-cloud-amd64", "6.12.95-1~bpo12+1"));
  auto all = all_kernels(idx);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].abi, "6.12.9+deb12-amd64");
  EXPECT_EQ(all[1].abi, "6.12.95+deb12-amd64");
  EXPECT_EQ(all[2].abi, "7.2.6+deb13-amd64");
  EXPECT_EQ(all[2].series, "7.2");
}
