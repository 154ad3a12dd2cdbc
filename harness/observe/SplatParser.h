// Kernel splats in a console, one report each, titled the way syzkaller's pkg/report titles
// them so the same bug gets the same title on every kernel, run and night: an oops table
// (KASAN, KCSAN, lockdep's "possible ..." family, WARN in both formats, kernel BUG, the page
// fault or NULL dereference that an Oops follows, general protection fault, RCU stall, hung
// task, UBSAN, panic), the function a title names taken from the report itself or its stack
// (skipping the reporting machinery), and addresses, offsets and numbers normalised out:
//   "BUG: KASAN: slab-use-after-free in fsdev_pfn_to_offset+0x4a/0x90" + "Read of size 8 ..."
//     -> "KASAN: slab-use-after-free Read in fsdev_pfn_to_offset"
// Pure: the caller hands in the console's lines. The golden corpus is tests/data/splats/.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cxlrig {

struct SplatReport {
  std::string kind;    // kasan, kcsan, lockdep, warning, bug, page_fault, null_deref, gpf, rcu_stall,
                       // hung_task, ubsan, panic
  std::string title;   // normalised, at most 120 characters
  size_t line = 0;     // 1-based console line where the report starts
  std::string first;   // that line, as printed (without the timestamp)
  std::string report;  // the whole report, timestamps stripped
  std::string where;   // the function (or file:line) the title names
  size_t guest = 0;    // which of the run's guests printed it
};

// The console line without its "[   12.345678] " timestamp (printk.time may be off).
std::string strip_timestamp(const std::string& line);

// Does this line open a report? (Cheap enough for every streamed console line.)
bool opens_splat(const std::string& line);
bool is_panic(const std::string& line);
// Does it open a report that kills the task it hit (an Oops: page fault, NULL dereference,
// kernel BUG, general protection fault)? A WARN, KASAN or KCSAN report lets the task go on.
bool opens_fatal_splat(const std::string& line);

std::vector<SplatReport> parse_splats(const std::vector<std::string>& console_lines);

nlohmann::json to_json(const SplatReport& s);

}  // namespace cxlrig
