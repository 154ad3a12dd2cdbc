#include "QmpMessage.h"

#include <gtest/gtest.h>

#include "InputError.h"
#include "JsonLines.h"

using namespace cxlrig;

TEST(QmpMessage, ClassifiesGreetingReturnErrorEvent) {
  auto g = parse_qmp_line(R"({"QMP": {"version": {"qemu": {"micro": 2, "minor": 0, "major": 10}}, "capabilities": ["oob"]}})");
  EXPECT_EQ(g.kind, QmpMessage::kGreeting);
  EXPECT_EQ(g.body["version"]["qemu"]["major"], 10);
  auto r = parse_qmp_line(R"({"return": {}, "id": 7})");
  EXPECT_EQ(r.kind, QmpMessage::kReturn);
  EXPECT_EQ(*r.id, 7u);
  auto e = parse_qmp_line(R"({"id": 8, "error": {"class": "GenericError", "desc": "nope"}})");
  EXPECT_EQ(e.kind, QmpMessage::kError);
  EXPECT_EQ(e.body["desc"], "nope");
  auto ev = parse_qmp_line(R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "MEMORY_FAILURE", "data": {"action": "ignore", "recipient": "guest"}})");
  EXPECT_EQ(ev.kind, QmpMessage::kEvent);
  EXPECT_EQ(ev.event, "MEMORY_FAILURE");
  EXPECT_FALSE(ev.id);
}

TEST(QmpMessage, RejectsGarbage) {
  EXPECT_THROW(parse_qmp_line("not json"), InputError);
  EXPECT_THROW(parse_qmp_line("[1,2]"), InputError);
  EXPECT_THROW(parse_qmp_line(R"({"weird": 1})"), InputError);
}

TEST(QmpMessage, FramesOneLineWithId) {
  EXPECT_EQ(frame_qmp_command("qmp_capabilities", nullptr, 1), "{\"execute\":\"qmp_capabilities\",\"id\":1}\n");
  EXPECT_EQ(frame_qmp_command("human-monitor-command", {{"command-line", "info cpus"}}, 2),
            "{\"arguments\":{\"command-line\":\"info cpus\"},\"execute\":\"human-monitor-command\",\"id\":2}\n");
}

TEST(QmpMessage, FramesWithoutIdForLibvirtPassThrough) {
  EXPECT_EQ(frame_qmp_command("query-status", nullptr, std::nullopt), "{\"execute\":\"query-status\"}\n");
}

TEST(LineSplitter, KeepsPartialTailAcrossFeeds) {
  LineSplitter s;
  EXPECT_TRUE(s.feed("{\"a\":").empty());
  auto lines = s.feed("1}\r\n{\"b\":2}\n{\"c\"");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"a\":1}");
  EXPECT_EQ(lines[1], "{\"b\":2}");
  EXPECT_EQ(s.pending(), "{\"c\"");
}

TEST(LineSplitter, RefusesUnboundedLine) {
  LineSplitter s(8);
  EXPECT_THROW(s.feed("0123456789"), std::length_error);
}
