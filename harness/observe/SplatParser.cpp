#include "SplatParser.h"

#include <algorithm>
#include <optional>
#include <regex>

namespace cxlrig {

namespace {

const std::regex kTimestamp(R"(^\s*\[\s*\d+\.\d+\]\s?)");

// A report's opening line, by kind. Order matters: the first match wins.
struct Header {
  const char* kind;
  std::regex re;
};

const std::vector<Header>& headers() {
  static const std::vector<Header> h = {
      {"kasan", std::regex(R"(^BUG: KASAN: )")},
      {"kcsan", std::regex(R"(^BUG: KCSAN: )")},
      {"page_fault", std::regex(R"(^BUG: unable to handle (page fault for address|kernel paging request))")},
      {"null_deref", std::regex(R"(^BUG: (kernel NULL pointer dereference|unable to handle kernel NULL pointer dereference))")},
      {"lockdep", std::regex(R"(^WARNING: (possible circular locking dependency detected|possible recursive locking detected|inconsistent lock state|possible irq lock inversion dependency detected|suspicious RCU usage|.*-safe -> .*-unsafe lock order detected))")},
      {"warning", std::regex(R"(^WARNING: (CPU: \d+ PID: \d+ at |\S+:\d+ at ))")},
      {"bug", std::regex(R"(^kernel BUG at )")},
      {"gpf", std::regex(R"(^general protection fault)")},
      {"rcu_stall", std::regex(R"(^(rcu: )?INFO: rcu_\w+ (self-)?detected stall)")},
      {"hung_task", std::regex(R"(^INFO: task \S+ blocked for more than)")},
      {"ubsan", std::regex(R"(^UBSAN: )")},
      {"oops", std::regex(R"(^Oops: )")},
      {"bug", std::regex(R"(^BUG: )")},
      {"panic", std::regex(R"(^Kernel panic - not syncing)")},
  };
  return h;
}

const char* kind_of(const std::string& s) {
  // Cheap pre-filter: almost every line is harmless chatter.
  if (s.empty() || s.find_first_of("BOWKUIgr") == std::string::npos) return nullptr;
  for (auto& h : headers())
    if (std::regex_search(s, h.re)) return h.kind;
  return nullptr;
}

// Kinds an Oops line or a "Fatal exception" panic continues instead of opening anew.
bool continues(const std::string& open_kind, const char* next) {
  const std::string n = next;
  const bool oopsy = open_kind == "page_fault" || open_kind == "null_deref" || open_kind == "bug" ||
                     open_kind == "gpf" || open_kind == "oops" || open_kind == "kasan";
  if (n == "oops") return open_kind == "page_fault" || open_kind == "null_deref" || open_kind == "bug" || open_kind == "gpf";
  if (n == "panic") return oopsy;
  return false;
}

bool ends_report(const std::string& kind, const std::string& s, size_t separators) {
  if (s.rfind("---[ end trace", 0) == 0 || s.rfind("---[ end Kernel panic", 0) == 0) return true;
  // KASAN and KCSAN reports sit between two lines of '='; the header follows the first.
  if ((kind == "kasan" || kind == "kcsan" || kind == "ubsan") && s.size() > 20 && s.find_first_not_of('=') == std::string::npos)
    return separators >= 1;
  return false;
}

// "dax_set_mapping.isra.0+0x70/0x90 [device_dax]" -> "dax_set_mapping"
std::string bare_function(std::string f) {
  if (auto p = f.find_first_of("+ "); p != std::string::npos) f = f.substr(0, p);
  if (auto p = f.find('.'); p != std::string::npos) f = f.substr(0, p);
  return f;
}

// Frames of the reporting machinery, never what a title names.
const std::regex kSkipFrame(
    R"(^(dump_stack\w*|show_stack|__dump_stack|__warn\w*|warn_slowpath\w*|report_bug|handle_bug|exc_invalid_op|asm_exc_\w+|)"
    R"(kasan_\w+|__kasan_\w+|__asan_\w+|check_memory_region\w*|print_\w+|kcsan_\w+|__tsan_\w+|ubsan_\w+|__ubsan_\w+|)"
    R"(panic|die|oops_\w+|do_trap|do_error_trap|page_fault_oops|kernelmode_fixup_or_oops|__bad_area\w*|bad_area\w*|)"
    R"(do_user_addr_fault|exc_page_fault|_raw_spin_\w+|_raw_read_\w+|_raw_write_\w+|lock_acquire\w*|__lock_acquire|)"
    R"(lock_release|__might_sleep|__might_resched|__might_fault|might_fault|__schedule|schedule\w*|io_schedule\w*|)"
    R"(__mutex_lock\w*|mutex_lock\w*|rwsem_down_\w+|down_read\w*|down_write\w*|wait_for_completion\w*|)"
    R"(__wait_for_common|wait_for_common\w*|rcu_\w+|sched_show_task|debug_show_held_locks|lockdep_\w+|)"
    R"(nmi_cpu_backtrace\w*|nmi_trigger_cpumask_backtrace|arch_trigger_cpumask_backtrace|)"
    R"(trigger_single_cpu_backtrace|check_hung_\w+|watchdog|kthread|ret_from_fork\w*|entry_SYSCALL\w*|do_syscall_64))");

std::optional<std::string> rip_function(const std::vector<std::string>& lines) {
  static const std::regex rip(R"(^RIP: 0010:([A-Za-z0-9_.]+)\+0x)");
  std::smatch m;
  for (auto& l : lines)
    if (std::regex_search(l, m, rip)) return bare_function(m[1].str());
  return std::nullopt;
}

// The first frame of the first "Call Trace:" that is not the reporting machinery.
std::optional<std::string> trace_function(const std::vector<std::string>& lines, size_t from = 0) {
  static const std::regex frame(R"(^\s*(\? )?([A-Za-z0-9_.]+)\+0x[0-9a-f]+/0x[0-9a-f]+)");
  bool in_trace = false;
  for (size_t i = from; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.find("Call Trace:") != std::string::npos) {
      in_trace = true;
      continue;
    }
    if (!in_trace) continue;
    std::smatch m;
    if (!std::regex_search(l, m, frame)) continue;
    if (m[1].matched) continue;  // "? foo": not a reliable frame
    const std::string f = bare_function(m[2].str());
    if (!std::regex_match(f, kSkipFrame)) return f;
  }
  return std::nullopt;
}

// The function on the first "at: FUNC+0x" line after the line holding `after`.
std::optional<std::string> lock_site(const std::vector<std::string>& lines, const std::string& after) {
  static const std::regex at(R"(at: (?:\[<[0-9a-f]+>\] )?([A-Za-z0-9_.]+)\+0x)");
  bool armed = false;
  for (auto& l : lines) {
    if (!armed) {
      armed = l.find(after) != std::string::npos;
      continue;
    }
    std::smatch m;
    if (std::regex_search(l, m, at)) return bare_function(m[1].str());
  }
  return std::nullopt;
}

// syzkaller's normalisation: no addresses, offsets or numbers in a title, at most 120
// characters, so a title names a bug, not one occurrence of it.
std::string normalise(std::string t) {
  t = std::regex_replace(t, std::regex(R"(\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+)"), "");
  t = std::regex_replace(t, std::regex(R"(\b0x[0-9a-fA-F]+\b)"), "ADDR");
  t = std::regex_replace(t, std::regex(R"(\b[0-9a-fA-F]{8,}\b)"), "ADDR");
  t = std::regex_replace(t, std::regex(R"((^|[^A-Za-z0-9_])[0-9]+\b)"), "$1NUM");
  t = std::regex_replace(t, std::regex(R"(\s+)"), " ");
  while (!t.empty() && (t.back() == ' ' || t.back() == ':')) t.pop_back();
  if (t.size() > 120) t.resize(120);
  return t;
}

std::string in_function(const std::string& prefix, const std::optional<std::string>& f) {
  return f ? prefix + " in " + *f : prefix;
}

SplatReport title_report(const std::string& kind, const std::vector<std::string>& lines) {
  SplatReport r;
  r.kind = kind;
  r.first = lines.front();
  const std::string& h = lines.front();
  std::smatch m;
  std::optional<std::string> where;
  std::string title;
  if (kind == "kasan") {
    static const std::regex re(R"(^BUG: KASAN: ([a-z\-]+(?: or [a-z\-]+)?) in ([A-Za-z0-9_.]+))");
    static const std::regex rw(R"(^(Read|Write) (of size|at addr))");
    if (std::regex_search(h, m, re)) {
      std::string type = m[1].str();
      where = bare_function(m[2].str());
      std::string op;
      for (size_t i = 1; i < lines.size() && op.empty(); ++i) {
        std::smatch k;
        if (std::regex_search(lines[i], k, rw)) op = k[1].str();
      }
      if (type.find("free") != std::string::npos && type.find("use-after") == std::string::npos) type = "invalid-free", op.clear();
      title = "KASAN: " + type + (op.empty() ? "" : " " + op) + " in " + *where;
    } else {
      title = "KASAN: " + h.substr(std::string("BUG: KASAN: ").size());
    }
  } else if (kind == "kcsan") {
    title = "KCSAN: " + h.substr(std::string("BUG: KCSAN: ").size());
    title = std::regex_replace(title, std::regex(R"(([A-Za-z0-9_]+)\.[A-Za-z0-9_.]+)"), "$1");  // .isra.0, .cold
    static const std::regex fn(R"(in ([A-Za-z0-9_]+))");
    if (std::regex_search(title, m, fn)) where = m[1].str();
  } else if (kind == "page_fault" || kind == "null_deref") {
    where = rip_function(lines);
    if (!where) where = trace_function(lines);
    title = in_function(kind == "page_fault" ? "BUG: unable to handle kernel paging request"
                                             : "BUG: unable to handle kernel NULL pointer dereference",
                        where);
  } else if (kind == "lockdep") {
    if (h.find("inconsistent lock state") != std::string::npos) {
      where = lock_site(lines, "takes:");
      title = in_function("inconsistent lock state", where);
    } else if (h.find("suspicious RCU usage") != std::string::npos) {
      static const std::regex src(R"(^(\S+:\d+) suspicious)");
      for (size_t i = 1; i < lines.size() && !where; ++i)
        if (std::regex_search(lines[i], m, src)) where = m[1].str();
      title = where ? "suspicious RCU usage at " + *where : "suspicious RCU usage";
    } else {
      where = lock_site(lines, h.find("irq lock inversion") != std::string::npos ? "just changed the state of lock"
                                                                                  : "is trying to acquire");
      title = in_function("possible deadlock", where);
    }
  } else if (kind == "warning") {
    // Classic: "WARNING: CPU: 1 PID: 97 at drivers/dax/super.c:155 fs_put_dax+0x5c/0x70"
    // Since 2025: "WARNING: drivers/dax/super.c:155 at fs_put_dax+0x5c/0x70, CPU#1: comm/97"
    static const std::regex classic(R"(^WARNING: CPU: \d+ PID: \d+ at (\S+) ([A-Za-z0-9_.]+)\+0x)");
    static const std::regex modern(R"(^WARNING: (\S+:\d+) at ([A-Za-z0-9_.]+)\+0x)");
    if (std::regex_search(h, m, classic) || std::regex_search(h, m, modern)) where = bare_function(m[2].str());
    if (!where) where = rip_function(lines);
    title = in_function("WARNING", where);
  } else if (kind == "bug") {
    static const std::regex at(R"(^kernel BUG at ([^!]+)!)");
    if (std::regex_search(h, m, at)) {
      where = rip_function(lines);
      title = where ? "kernel BUG in " + *where : "kernel BUG at " + m[1].str();
    } else {
      std::string rest = h.substr(std::string("BUG: ").size());
      static const std::regex ctx(R"(^(sleeping function called from invalid context|scheduling while atomic|soft lockup|workqueue lockup|Bad page state|Bad page map|spinlock \w+|rwlock \w+))");
      if (std::regex_search(rest, m, ctx)) {
        const std::string what = m[1].str();
        where = what == "soft lockup" ? rip_function(lines) : trace_function(lines);
        title = what == "workqueue lockup" ? "BUG: workqueue lockup" : in_function("BUG: " + what, where);
      } else {
        title = "BUG: " + rest;
      }
    }
  } else if (kind == "gpf") {
    where = rip_function(lines);
    title = in_function("general protection fault", where);
  } else if (kind == "oops") {
    static const std::regex msg(R"(^Oops: (?:Oops: )?([^:\[]+))");
    where = rip_function(lines);
    std::string what = std::regex_search(h, m, msg) ? m[1].str() : "Oops";
    while (!what.empty() && what.back() == ' ') what.pop_back();
    title = in_function("Oops: " + what, where);
  } else if (kind == "rcu_stall") {
    where = rip_function(lines);
    if (!where) where = trace_function(lines);
    title = in_function("INFO: rcu detected stall", where);
  } else if (kind == "hung_task") {
    where = trace_function(lines);
    title = in_function("INFO: task hung", where);
  } else if (kind == "ubsan") {
    static const std::regex re(R"(^UBSAN: ([a-z\-]+) in (\S+))");
    where = trace_function(lines);
    if (std::regex_search(h, m, re)) {
      if (!where) where = m[2].str();
      title = "UBSAN: " + m[1].str() + " in " + *where;
    } else {
      title = h;
    }
  } else {  // panic on its own
    title = "kernel panic: " + h.substr(std::string("Kernel panic - not syncing: ").size());
  }
  r.title = normalise(title);
  if (where) r.where = *where;
  return r;
}

}  // namespace

std::string strip_timestamp(const std::string& line) {
  std::string s = std::regex_replace(line, kTimestamp, "");
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.pop_back();
  return s;
}

bool opens_splat(const std::string& line) { return kind_of(strip_timestamp(line)) != nullptr; }

bool opens_fatal_splat(const std::string& line) {
  const std::string s = strip_timestamp(line);
  const char* k = kind_of(s);
  if (!k) return false;
  const std::string kind = k;
  return kind == "page_fault" || kind == "null_deref" || kind == "gpf" || kind == "oops" ||
         s.rfind("kernel BUG at ", 0) == 0;
}

bool is_panic(const std::string& line) {
  return strip_timestamp(line).rfind("Kernel panic - not syncing", 0) == 0;
}

std::vector<SplatReport> parse_splats(const std::vector<std::string>& console) {
  std::vector<SplatReport> out;
  std::vector<std::string> cur;
  std::string cur_kind;
  size_t cur_line = 0, separators = 0;
  auto close = [&] {
    if (cur.empty()) return;
    SplatReport r = title_report(cur_kind, cur);
    r.line = cur_line;
    for (auto& l : cur) r.report += l + "\n";
    out.push_back(std::move(r));
    cur.clear();
    cur_kind.clear();
  };
  size_t closed_at = 0;  // the console line the last report ended on
  for (size_t i = 0; i < console.size(); ++i) {
    const std::string s = strip_timestamp(console[i]);
    const char* k = kind_of(s);
    // "Kernel panic - not syncing: Fatal exception" just after an Oops's end marker is that
    // Oops ending the kernel, not a report of its own.
    if (k && cur.empty() && !out.empty() && i + 1 - closed_at <= 6 && continues(out.back().kind, k)) {
      out.back().report += s + "\n";
      continue;
    }
    if (k && !(cur.size() && continues(cur_kind, k))) {
      close();
      cur_kind = k;
      cur_line = i + 1;
      // A KASAN/KCSAN report's opening separator is the line before its header.
      separators = (i > 0 && strip_timestamp(console[i - 1]).find_first_not_of('=') == std::string::npos &&
                    strip_timestamp(console[i - 1]).size() > 20)
                       ? 1 : 0;
      cur.push_back(s);
      continue;
    }
    if (cur.empty()) continue;
    cur.push_back(s);
    if (ends_report(cur_kind, s, separators) || cur.size() >= 400) {
      close();
      closed_at = i + 1;
    }
  }
  close();
  return out;
}

nlohmann::json to_json(const SplatReport& s) {
  return {{"kind", s.kind}, {"title", s.title}, {"line", s.line}, {"text", s.first}, {"where", s.where},
          {"guest", s.guest}, {"report", s.report}};
}

}  // namespace cxlrig
