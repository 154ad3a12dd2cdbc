#include "AgentProtocol.h"

#include <gtest/gtest.h>

#include "InputError.h"

using namespace cxlrig;

TEST(AgentProtocol, FramesRequestAsOneLine) {
  auto s = frame_agent_request(3, "dax_layout", {{"device", "dax0.0"}});
  EXPECT_EQ(s, "{\"args\":{\"device\":\"dax0.0\"},\"id\":3,\"op\":\"dax_layout\"}\n");
  EXPECT_EQ(frame_agent_request(1, "info", nullptr), "{\"args\":{},\"id\":1,\"op\":\"info\"}\n");
}

TEST(AgentProtocol, ParsesOkErrorAndEvent) {
  auto ok = parse_agent_line(R"({"id":4,"ok":true,"result":{"region":"region0"}})");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(*ok.id, 4u);
  EXPECT_EQ(result_str(ok.result, "region", "x"), "region0");
  auto err = parse_agent_line(
      R"({"id":5,"ok":false,"error":{"msg":"write failed","errno":22,"path":"/sys/bus/dax/devices/dax0.0/mapping","value":"0x1-0x2"}})");
  ASSERT_TRUE(err.error);
  EXPECT_EQ(err.error->err, 22);
  err.error->op = "dax_layout";
  auto text = err.error->describe();
  EXPECT_NE(text.find("dax0.0/mapping"), std::string::npos);
  EXPECT_NE(text.find("0x1-0x2"), std::string::npos);
  EXPECT_NE(text.find("Invalid argument"), std::string::npos);
  auto ev = parse_agent_line(R"({"event":"ready","kernel":"7.3.4"})");
  EXPECT_EQ(ev.event, "ready");
}

TEST(AgentProtocol, MalformedRepliesNameTheField) {
  try {
    parse_agent_line(R"({"ok":true})");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "agent reply.id");
  }
  EXPECT_THROW(parse_agent_line(R"({"id":1})"), InputError);
  EXPECT_THROW(parse_agent_line(R"({"id":1,"ok":false})"), InputError);
  EXPECT_THROW(parse_agent_line("garbage"), InputError);
  auto ok = parse_agent_line(R"({"id":1,"ok":true,"result":{"n":"x"}})");
  EXPECT_THROW(result_u64(ok.result, "n", "op"), InputError);
}
