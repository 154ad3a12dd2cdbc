// The splat parser on the rig's own captured consoles (tests/data/splats/: syzkaller's
// pkg/report/testdata model, one file per capture: TITLE lines, a blank line, the console),
// and on report shapes printed exactly as the kernel's sources print them.
#include "SplatParser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cxlrig;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

std::vector<std::string> titles(const std::string& console) {
  std::vector<std::string> t;
  for (auto& r : parse_splats(lines_of(console))) t.push_back(r.title);
  return t;
}

}  // namespace

// Every capture in the corpus is classified, with every title it expects and no other.
TEST(SplatParser, EveryCaptureInTheCorpusGetsItsTitles) {
  const std::string dir = std::string(CXLRIG_TEST_DATA) + "/splats";
  size_t files = 0, reports = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path());
    std::vector<std::string> want;
    std::string line, console;
    while (std::getline(in, line) && line.rfind("TITLE: ", 0) == 0) want.push_back(line.substr(7));
    for (std::string l; std::getline(in, l);) console += l + "\n";
    ASSERT_FALSE(want.empty()) << e.path() << " names no TITLE";
    EXPECT_EQ(titles(console), want) << e.path();
    ++files;
    reports += want.size();
  }
  EXPECT_GE(files, 6u);
  std::printf("corpus: %zu captures, %zu reports\n", files, reports);
}

TEST(SplatParser, KasanTitleHasTheBugTypeTheAccessAndTheFunction) {
  EXPECT_EQ(titles("==================================================================\n"
                   "BUG: KASAN: slab-use-after-free in fsdev_pfn_to_offset+0x4a/0x90 [fsdev_dax]\n"
                   "Read of size 8 at addr ffff888004a1c010 by task cxlrig-agent/1\n"
                   "==================================================================\n"),
            std::vector<std::string>{"KASAN: slab-use-after-free Read in fsdev_pfn_to_offset"});
  EXPECT_EQ(titles("BUG: KASAN: double-free in kfree_sensitive+0x1/0x2\n"),
            std::vector<std::string>{"KASAN: invalid-free in kfree_sensitive"});
}

TEST(SplatParser, KcsanTitleNamesBothSides) {
  EXPECT_EQ(titles("==================================================================\n"
                   "BUG: KCSAN: data-race in dax_holder_notify_failure / fs_put_dax.isra.0\n"
                   "\n"
                   "write to 0xffff888003c40a28 of 8 bytes by task 80 on cpu 1:\n"
                   " fs_put_dax+0x31/0x70\n"
                   "==================================================================\n"),
            std::vector<std::string>{"KCSAN: data-race in dax_holder_notify_failure / fs_put_dax"});
}

TEST(SplatParser, WarnInBothFormats) {
  EXPECT_EQ(titles("WARNING: CPU: 1 PID: 97 at drivers/dax/super.c:155 fs_put_dax+0x5c/0x70 [dax]\n"),
            std::vector<std::string>{"WARNING in fs_put_dax"});
  // The format since the 2025 WARN rework: file:line first, the task last.
  EXPECT_EQ(titles("WARNING: drivers/dax/super.c:155 at fs_put_dax+0x5c/0x70, CPU#1: cxlrig-agent/97\n"),
            std::vector<std::string>{"WARNING in fs_put_dax"});
  // No function on the line: the RIP names it.
  EXPECT_EQ(titles("WARNING: CPU: 0 PID: 1 at mm/x.c:12 0xffffffff81000000\nRIP: 0010:mm_thing.cold+0x1/0x9\n"),
            std::vector<std::string>{"WARNING in mm_thing"});
}

TEST(SplatParser, LockdepFamily) {
  EXPECT_EQ(titles("WARNING: possible circular locking dependency detected\n"
                   "7.3.4 #1 Not tainted\n"
                   "------------------------------------------------------\n"
                   "cxlrig-agent/1 is trying to acquire lock:\n"
                   "ffff8880 (&dax_region_rwsem){++++}-{4:4}, at: mapping_store+0x43/0x1a0\n"
                   "\n"
                   "but task is already holding lock:\n"
                   "ffff8881 (kn->active#4){++++}-{0:0}, at: kernfs_fop_write_iter+0x11/0x20\n"),
            std::vector<std::string>{"possible deadlock in mapping_store"});
  EXPECT_EQ(titles("WARNING: inconsistent lock state\n"
                   "inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.\n"
                   "kworker/0:1/12 [HC0[0]:SC0[0]:HE1:SE1] takes:\n"
                   "ffff888 (&x->lock){+.?.}-{2:2}, at: dax_thing+0x2/0x3\n"),
            std::vector<std::string>{"inconsistent lock state in dax_thing"});
  EXPECT_EQ(titles("WARNING: suspicious RCU usage\n7.3.4 #1 Not tainted\n-----------------------------\n"
                   "drivers/dax/super.c:345 suspicious rcu_dereference_check() usage!\n"),
            std::vector<std::string>{"suspicious RCU usage at drivers/dax/super.c:NUM"});
}

// An Oops comes after the line that says why, and a panic after the Oops: one report, named
// by the function the CPU was in.
TEST(SplatParser, PageFaultOopsAndItsPanicAreOneReport) {
  const std::string c = "BUG: unable to handle page fault for address: ffd400000fc00008\n"
                        "#PF: supervisor write access in kernel mode\n"
                        "Oops: Oops: 0002 [#1] SMP NOPTI\n"
                        "RIP: 0010:dax_set_mapping.isra.0+0x70/0x90 [device_dax]\n"
                        "Call Trace:\n"
                        " <TASK>\n"
                        " dev_dax_huge_fault+0x142/0x24d [device_dax]\n"
                        "---[ end trace 0000000000000000 ]---\n"
                        "Kernel panic - not syncing: Fatal exception\n";
  auto r = parse_splats(lines_of(c));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].title, "BUG: unable to handle kernel paging request in dax_set_mapping");
  EXPECT_EQ(r[0].kind, "page_fault");
  EXPECT_EQ(r[0].line, 1u);
}

TEST(SplatParser, OtherReports) {
  EXPECT_EQ(titles("kernel BUG at mm/memory-failure.c:1234!\nOops: invalid opcode: 0000 [#1] SMP\n"
                   "RIP: 0010:memory_failure+0x99/0xfe0\n"),
            std::vector<std::string>{"kernel BUG in memory_failure"});
  EXPECT_EQ(titles("general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP\n"
                   "RIP: 0010:list_del_entry+0x1/0x2\n"),
            std::vector<std::string>{"general protection fault in list_del_entry"});
  EXPECT_EQ(titles("rcu: INFO: rcu_preempt self-detected stall on CPU\n"
                   "rcu: \t1-....: (2100 ticks this GP)\n"
                   "RIP: 0010:fsdev_pfn_to_offset+0x10/0x40\n"),
            std::vector<std::string>{"INFO: rcu detected stall in fsdev_pfn_to_offset"});
  EXPECT_EQ(titles("INFO: task cxlrig-agent:88 blocked for more than 122 seconds.\n"
                   "Call Trace:\n"
                   " <TASK>\n"
                   " __schedule+0x1/0x2\n"
                   " schedule+0x1/0x2\n"
                   " rwsem_down_write_slowpath+0x1/0x2\n"
                   " down_write+0x1/0x2\n"
                   " mapping_store+0x43/0x1a0\n"),
            std::vector<std::string>{"INFO: task hung in mapping_store"});
  EXPECT_EQ(titles("UBSAN: array-index-out-of-bounds in drivers/dax/bus.c:1200:9\n"
                   "index 5 is out of range for type 'range [4]'\n"
                   "Call Trace:\n"
                   " dump_stack_lvl+0x1/0x2\n"
                   " __ubsan_handle_out_of_bounds+0x1/0x2\n"
                   " alloc_dev_dax_range+0x1/0x2\n"),
            std::vector<std::string>{"UBSAN: array-index-out-of-bounds in alloc_dev_dax_range"});
  EXPECT_EQ(titles("Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"),
            std::vector<std::string>{"kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)"});
}

TEST(SplatParser, TitlesAreCappedAndTimestampsGo) {
  const auto r = parse_splats({"[   12.345678] BUG: " + std::string(300, 'x')});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].title.size(), 120u);
  EXPECT_EQ(r[0].first.rfind("BUG: ", 0), 0u);
}
