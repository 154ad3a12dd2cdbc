// The nightly history in SQLite: nights, cells (by stable key), rows (by stable row key),
// splats (by title) and kernel identities, so that tonight can be compared with the last
// night that ran the same cell. The schema is versioned (PRAGMA user_version) and migrated
// forward in order at open. A file that is not a history, or one from a newer rig, is
// refused (InputError, exit 2) and never replaced by a fresh history; a history another
// writer holds is an InfraError (exit 125). Both name the file.
#pragma once
#include <string>
#include <vector>

#include "NightDiff.h"
#include "NightRecord.h"

struct sqlite3;

namespace cxlrig {

class HistoryDb {
 public:
  static constexpr int kSchemaVersion = 2;
  // Opens (or creates) and migrates. `field` names the flag the path came from (--db).
  HistoryDb(const std::string& path, const std::string& field = "--db");
  ~HistoryDb();
  HistoryDb(const HistoryDb&) = delete;
  HistoryDb& operator=(const HistoryDb&) = delete;

  int schema_version();
  // Stores a night; a night already stored under the same id is replaced cell by cell
  // (a shard merged again, a cell re-run), the others kept.
  void record(const NightRecord& night);
  // The judged (non-infra) nights of a cell that started before `before`, latest first.
  std::vector<PastCell> past(const std::string& cell, const std::string& before, unsigned limit);

  struct TrailPoint {
    std::string night, status;
    double duration_s = 0;
  };
  // A cell's last `limit` nights up to and including `upto` (any status), oldest first.
  std::vector<TrailPoint> trail(const std::string& cell, const std::string& upto, unsigned limit);
  std::vector<std::string> nights();  // ids, oldest first

 private:
  void exec(const std::string& sql);
  void migrate();
  [[noreturn]] void fail(const std::string& what, int rc);
  static void raise(HistoryDb* h, const std::string& what, int rc) { h->fail(what, rc); }
  CellRecord load_cell(const std::string& night, const std::string& cell);

  std::string path_, field_;
  sqlite3* db_ = nullptr;
};

}  // namespace cxlrig
