#include "TraceParser.h"
#include "CxlPoison.h"

#include <gtest/gtest.h>

using namespace cxlrig;

TEST(TraceParser, ParsesKprobeLine) {
  auto e = parse_trace_line(
      "    cxlrig-agent-1       [001] .....    21.123456: cxlrig_notify: (dax_holder_notify_failure+0x0/0xb0) offset=0x1000000 len=0x1000 flags=0x1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, "cxlrig_notify");
  EXPECT_EQ(e->probe, "dax_holder_notify_failure+0x0/0xb0");
  EXPECT_EQ(*e->u64("offset"), 0x1000000u);
  EXPECT_EQ(*e->u64("len"), 0x1000u);
  EXPECT_EQ(*e->u64("flags"), 1u);
  EXPECT_FALSE(e->u64("missing"));
}

TEST(TraceParser, OffsetU64MaxSurvives) {
  auto e = parse_trace_line(
      "  sh-1 [000] d..1. 3.5: cxlrig_notify: (dax_holder_notify_failure+0x0/0xb0) offset=0xffffffffffffffff len=0x1000 flags=0x0");
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->u64("offset"), ~uint64_t{0});
}

TEST(TraceParser, SkipsHeaderAndNoise) {
  auto v = parse_trace({"# tracer: nop", "#", "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
                        "garbage", "  a-1 [000] ..... 1.0: cxlrig_mf: (memory_failure+0x0/0x5a0) pfn=0x3d4000 flags=0x8"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(*v[0].u64("pfn"), 0x3d4000u);
}

TEST(TraceParser, MemoryFailureKmsg) {
  EXPECT_EQ(*memory_failure_pfn("Memory failure: 0x3d4000: recovery action for dax page: Recovered"), 0x3d4000u);
  EXPECT_FALSE(memory_failure_pfn("Injecting memory failure at pfn 0x3d4000"));
  EXPECT_EQ(kmsg_message("3,812,21123456,-;Memory failure: 0x10: x"), "Memory failure: 0x10: x");
}

TEST(TraceParser, KprobeDefinitionsUseX86Registers) {
  EXPECT_EQ(default_kprobes()[0].definition(),
            "p:cxlrig_notify dax_holder_notify_failure offset=%si:x64 len=%dx:x64 flags=%cx:x32");
}

TEST(TraceParser, TracepointAndKretprobeLines) {
  // Lines as 7.3.4 printed them.
  auto p = parse_trace_line(
      "    cxlrig-agent-1       [000] .....     6.888378: cxl_poison: memdev=mem0 host=0000:0d:00.0 serial=1 "
      "trace_type=List region=region0 region_uuid=00000000-0000-0000-0000-000000000000 hpa=0x451100000 "
      "hpa_alias0=0xffffffffffffffff dpa=0x81100000 dpa_length=0x40 source=Internal flags= overflow_time=0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->event, "cxl_poison");
  EXPECT_EQ(p->u64("hpa"), 0x451100000u);
  EXPECT_EQ(p->fields.count("flags"), 0u);  // empty value: absent, not "overflow_time=0"
  auto recs = cxl_poison_records({*p});
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].memdev, "mem0");
  EXPECT_EQ(recs[0].region, "region0");
  EXPECT_EQ(recs[0].dpa, 0x81100000u);
  EXPECT_EQ(recs[0].dpa_len, 0x40u);
  EXPECT_EQ(recs[0].source, "Internal");

  auto r = parse_trace_line(
      "    cxlrig-agent-1       [000] .N...     6.487956: cxlrig_mf_ret: (hwpoison_inject.cold+0x1c/0x59 "
      "[hwpoison_inject] <- memory_failure) ret=-16");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->event, kMemoryFailureReturnEvent);
  EXPECT_EQ(r->fields.at("ret"), "-16");
}

TEST(TraceParser, UnmappedPoisonHasNoHpa) {
  auto p = parse_trace_line(
      "  x-1 [000] ..... 1.0: cxl_poison: memdev=mem1 region= hpa=0xffffffffffffffff dpa=0x1000 dpa_length=0x40");
  ASSERT_TRUE(p);
  auto recs = cxl_poison_records({*p});
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_FALSE(recs[0].hpa);
  EXPECT_EQ(recs[0].region, "");
}
