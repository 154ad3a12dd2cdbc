#include "Guest.h"

namespace cxlrig {

nlohmann::json Monitor::qmp(const std::string& execute, const nlohmann::json& args, Millis timeout) {
  QmpMessage m = qmp_reply(execute, args, timeout);
  if (m.kind == QmpMessage::kError)
    throw InfraError("QMP " + execute + " failed: " + m.body.value("desc", m.body.dump()));
  return m.body;
}

}  // namespace cxlrig
