#include "Quiet.h"

#include <gtest/gtest.h>

#include <signal.h>

using namespace agent;

namespace {
// Lines as tracefs prints them (a real window of Debian 7.3.4: corrupt-pfn on a dax page).
const std::string kEntry =
    "    cxlrig-agent-106     [000] .B...     5.855263: cxlrig_mf: (memory_failure+0x4/0xfe0) pfn=0x4cc800 flags=0x20";
const std::string kNotify =
    "    cxlrig-agent-106     [000] .....     5.860438: cxlrig_notify: (dax_holder_notify_failure+0x4/0x90) offset=0x0 "
    "len=0x1000 flags=0x20";
const std::string kReturn =
    "    cxlrig-agent-106     [000] .....     5.862046: cxlrig_mf_ret: (hwpoison_inject.cold+0x1c/0x59 "
    "[hwpoison_inject] <- memory_failure) ret=-16";
}  // namespace

TEST(Quiet, CountsOnlyTheNamedEvent) {
  const std::vector<std::string> t = {kEntry, kNotify, kReturn};
  EXPECT_EQ(count_trace_events(t, "cxlrig_mf"), 1);  // not cxlrig_mf_ret: the colon ends the name
  EXPECT_EQ(count_trace_events(t, "cxlrig_mf_ret"), 1);
  EXPECT_EQ(count_trace_events(t, "cxlrig_notify"), 1);
  EXPECT_EQ(count_trace_events(t, "memory_failure"), 0);  // a symbol in the text is not an event
}

TEST(Quiet, AWindowIsOpenWhileACallHasNotReturned) {
  EXPECT_TRUE(calls_returned({}, "cxlrig_mf", "cxlrig_mf_ret"));
  EXPECT_FALSE(calls_returned({kEntry, kNotify}, "cxlrig_mf", "cxlrig_mf_ret"));
  EXPECT_TRUE(calls_returned({kEntry, kNotify, kReturn}, "cxlrig_mf", "cxlrig_mf_ret"));
  EXPECT_FALSE(calls_returned({kEntry, kReturn, kEntry}, "cxlrig_mf", "cxlrig_mf_ret"));
  // A call that began before the trace was cleared returns into this window.
  EXPECT_TRUE(calls_returned({kReturn}, "cxlrig_mf", "cxlrig_mf_ret"));
}

TEST(Quiet, ReadsPendingMasksFromProcStatus) {
  const std::string status =
      "Name:\tcxlrig-agent\nState:\tS (sleeping)\nSigQ:\t1/1813\nSigPnd:\t0000000000000000\n"
      "ShdPnd:\t0000000000000040\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\n"
      "SigCgt:\t0000000000000040\n";
  EXPECT_EQ(status_sigmask(status, "ShdPnd"), 0x40u);
  EXPECT_EQ(status_sigmask(status, "SigPnd"), 0u);
  EXPECT_EQ(status_sigmask(status, "SigIgn"), 0x1000u);
  EXPECT_EQ(status_sigmask(status, "NoSuch"), 0u);
  EXPECT_TRUE(signal_queued(status, SIGBUS));  // SIGBUS is 7: bit 6, 0x40
  EXPECT_FALSE(signal_queued(status, SIGUSR1));
  // Queued to one thread only.
  EXPECT_TRUE(signal_queued("SigPnd:\t0000000000000040\nShdPnd:\t0000000000000000\n", SIGBUS));
  EXPECT_FALSE(signal_queued("SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n", SIGBUS));
}
