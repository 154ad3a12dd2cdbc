#include "HistoryDb.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>

#include "InputError.h"

namespace cxlrig {

namespace {

// Each entry moves the schema from version i to i+1; never edit one that has shipped.
const char* const kMigrations[] = {
    // 1: nights, the kernels they ran, cells by stable key, their rows and splat titles.
    R"(CREATE TABLE nights (id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL,
                           matrix TEXT NOT NULL, shard TEXT NOT NULL);
       CREATE TABLE kernels (id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT NOT NULL, abi TEXT NOT NULL,
                             version TEXT NOT NULL, git_commit TEXT NOT NULL, config_hash TEXT NOT NULL,
                             patches TEXT NOT NULL,
                             UNIQUE (name, source, abi, version, git_commit, config_hash, patches));
       CREATE TABLE cells (night_id TEXT NOT NULL REFERENCES nights(id), cell_key TEXT NOT NULL,
                           kernel_id INTEGER NOT NULL REFERENCES kernels(id), topology TEXT NOT NULL,
                           scenario TEXT NOT NULL, seed INTEGER NOT NULL, command TEXT NOT NULL,
                           status TEXT NOT NULL, exit_code INTEGER NOT NULL, duration_s REAL NOT NULL,
                           started TEXT NOT NULL, reason TEXT NOT NULL, artifacts TEXT NOT NULL,
                           PRIMARY KEY (night_id, cell_key));
       CREATE TABLE rows (night_id TEXT NOT NULL, cell_key TEXT NOT NULL, row_key TEXT NOT NULL,
                          verdict TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (night_id, cell_key, row_key));
       CREATE TABLE splats (night_id TEXT NOT NULL, cell_key TEXT NOT NULL, title TEXT NOT NULL,
                            count INTEGER NOT NULL, report TEXT NOT NULL, PRIMARY KEY (night_id, cell_key, title));)",
    // 2: each cell's reproduce line, and the per-cell lookups the diff makes every night.
    R"(ALTER TABLE cells ADD COLUMN reproduce TEXT NOT NULL DEFAULT '';
       CREATE INDEX cells_by_key ON cells (cell_key, night_id);)",
};
static_assert(std::size(kMigrations) == HistoryDb::kSchemaVersion);

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql, HistoryDb* owner, void (*fail)(HistoryDb*, const std::string&, int))
      : owner_(owner), fail_(fail) {
    if (int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr); rc != SQLITE_OK) fail_(owner_, sql, rc);
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  bool step() {
    const int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail_(owner_, sqlite3_sql(s_), rc);
    return false;
  }
  void run() {
    step();
    reset();
  }
  void reset() { sqlite3_reset(s_); }
  std::string text(int c) const {
    auto p = sqlite3_column_text(s_, c);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  int64_t integer(int c) const { return sqlite3_column_int64(s_, c); }
  double real(int c) const { return sqlite3_column_double(s_, c); }

 private:
  sqlite3_stmt* s_ = nullptr;
  HistoryDb* owner_;
  void (*fail_)(HistoryDb*, const std::string&, int);
};

}  // namespace

HistoryDb::HistoryDb(const std::string& path, const std::string& field) : path_(path), field_(field) {
  std::error_code ec;
  if (auto dir = std::filesystem::path(path).parent_path(); !dir.empty()) std::filesystem::create_directories(dir, ec);
  if (int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr); rc != SQLITE_OK)
    fail("open", rc);
  // Another nightly writing the same history: wait a little, then say who holds it.
  sqlite3_busy_timeout(db_, 3000);
  migrate();
}

HistoryDb::~HistoryDb() { sqlite3_close(db_); }

void HistoryDb::fail(const std::string& what, int rc) {
  const std::string msg = std::string(sqlite3_errstr(rc)) + (db_ ? std::string(": ") + sqlite3_errmsg(db_) : "");
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    throw InfraError("history " + path_ + " is locked by another writer (" + msg +
                     "); wait for the other `cxlrig nightly` to finish, then fold this night in with "
                     "`cxlrig nightly merge OUT --db " + path_ + "`");
  if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
    throw InputError(field_, path_ + " is not a readable cxlrig history (" + msg + ")",
                     "move the file aside (a new history starts only where there is no file) or pass another " + field_);
  throw InfraError("history " + path_ + ": " + what.substr(0, 80) + ": " + msg);
}

void HistoryDb::exec(const std::string& sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) fail(sql, rc);
}

int HistoryDb::schema_version() {
  Stmt s(db_, "PRAGMA user_version", this, &HistoryDb::raise);
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

void HistoryDb::migrate() {
  // BEGIN IMMEDIATE takes the write lock now, so a locked history is said before any
  // cell runs, not after the night's work.
  exec("BEGIN IMMEDIATE");
  try {
    Stmt check(db_, "PRAGMA quick_check", this, &HistoryDb::raise);
    if (check.step() && check.text(0) != "ok")
      throw InputError(field_, path_ + " fails SQLite's quick_check: " + check.text(0),
                       "move the file aside, or pass another " + field_);
    const int v = schema_version();
    if (v > kSchemaVersion)
      throw InputError(field_, path_ + " has history schema " + std::to_string(v) + ", newer than this cxlrig's " +
                                   std::to_string(kSchemaVersion),
                       "use a newer cxlrig, or pass another " + field_);
    if (v == 0) {
      Stmt t(db_, "SELECT count(*) FROM sqlite_master", this, &HistoryDb::raise);
      if (t.step() && t.integer(0) > 0)
        throw InputError(field_, path_ + " is an SQLite database but not a cxlrig history (tables, no schema version)",
                         "pass another " + field_);
    }
    for (int i = v; i < kSchemaVersion; ++i) {
      exec(kMigrations[i]);
      exec("PRAGMA user_version = " + std::to_string(i + 1));
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void HistoryDb::record(const NightRecord& n) {
  auto f = &HistoryDb::raise;
  exec("BEGIN IMMEDIATE");
  try {
    Stmt(db_, "INSERT INTO nights (id, started, finished, matrix, shard) VALUES (?1, ?2, ?3, ?4, ?5) "
              "ON CONFLICT (id) DO UPDATE SET finished = excluded.finished, shard = excluded.shard", this, f)
        .bind(1, n.id).bind(2, n.started).bind(3, n.finished).bind(4, n.matrix).bind(5, n.shard).run();
    Stmt kernel_ins(db_, "INSERT OR IGNORE INTO kernels (name, source, abi, version, git_commit, config_hash, patches) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", this, f);
    Stmt kernel_id(db_, "SELECT id FROM kernels WHERE name = ?1 AND source = ?2 AND abi = ?3 AND version = ?4 AND "
                        "git_commit = ?5 AND config_hash = ?6 AND patches = ?7", this, f);
    Stmt del_cell(db_, "DELETE FROM cells WHERE night_id = ?1 AND cell_key = ?2", this, f);
    Stmt del_rows(db_, "DELETE FROM rows WHERE night_id = ?1 AND cell_key = ?2", this, f);
    Stmt del_splats(db_, "DELETE FROM splats WHERE night_id = ?1 AND cell_key = ?2", this, f);
    Stmt cell_ins(db_, "INSERT INTO cells (night_id, cell_key, kernel_id, topology, scenario, seed, command, status, "
                       "exit_code, duration_s, started, reason, artifacts, reproduce) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", this, f);
    Stmt row_ins(db_, "INSERT OR REPLACE INTO rows (night_id, cell_key, row_key, verdict, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
                 this, f);
    Stmt splat_ins(db_, "INSERT OR REPLACE INTO splats (night_id, cell_key, title, count, report) VALUES (?1, ?2, ?3, ?4, ?5)",
                   this, f);
    for (auto& c : n.cells) {
      const KernelIdentity& k = c.kernel_id;
      const std::string patches = nlohmann::json(k.patches).dump();
      auto bind_kernel = [&](Stmt& s) {
        s.bind(1, k.name).bind(2, k.source).bind(3, k.abi).bind(4, k.version).bind(5, k.commit).bind(6, k.config_hash)
            .bind(7, patches);
      };
      bind_kernel(kernel_ins);
      kernel_ins.run();
      bind_kernel(kernel_id);
      if (!kernel_id.step()) throw InfraError("history " + path_ + ": kernel row vanished");
      const int64_t kid = kernel_id.integer(0);
      kernel_id.reset();
      for (Stmt* d : {&del_cell, &del_rows, &del_splats}) {
        d->bind(1, n.id).bind(2, c.key);
        d->run();
      }
      cell_ins.bind(1, n.id).bind(2, c.key).bind(3, kid).bind(4, c.topology).bind(5, c.scenario)
          .bind(6, static_cast<int64_t>(c.seed)).bind(7, c.command).bind(8, c.status)
          .bind(9, static_cast<int64_t>(c.exit_code)).bind(10, c.duration_s).bind(11, c.started).bind(12, c.reason)
          .bind(13, c.artifacts).bind(14, c.reproduce);
      cell_ins.run();
      for (auto& r : c.rows) {
        row_ins.bind(1, n.id).bind(2, c.key).bind(3, r.key).bind(4, r.verdict).bind(5, r.reason);
        row_ins.run();
      }
      for (auto& s : c.splats) {
        splat_ins.bind(1, n.id).bind(2, c.key).bind(3, s.title).bind(4, static_cast<int64_t>(s.count)).bind(5, s.report);
        splat_ins.run();
      }
    }
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

CellRecord HistoryDb::load_cell(const std::string& night, const std::string& key) {
  auto f = &HistoryDb::raise;
  CellRecord c;
  Stmt s(db_, "SELECT c.topology, c.scenario, c.seed, c.command, c.status, c.exit_code, c.duration_s, c.started, "
              "c.reason, c.artifacts, c.reproduce, k.name, k.source, k.abi, k.version, k.git_commit, k.config_hash, "
              "k.patches FROM cells c JOIN kernels k ON k.id = c.kernel_id WHERE c.night_id = ?1 AND c.cell_key = ?2",
         this, f);
  s.bind(1, night).bind(2, key);
  if (!s.step()) return c;
  c.key = key;
  c.topology = s.text(0);
  c.scenario = s.text(1);
  c.seed = static_cast<uint64_t>(s.integer(2));
  c.command = s.text(3);
  c.status = s.text(4);
  c.exit_code = static_cast<int>(s.integer(5));
  c.duration_s = s.real(6);
  c.started = s.text(7);
  c.reason = s.text(8);
  c.artifacts = s.text(9);
  c.reproduce = s.text(10);
  c.kernel = s.text(11);
  c.kernel_id = {s.text(11), s.text(12), s.text(13), s.text(14), s.text(15), s.text(16),
                 nlohmann::json::parse(s.text(17)).get<std::vector<std::string>>()};
  Stmt rows(db_, "SELECT row_key, verdict, reason FROM rows WHERE night_id = ?1 AND cell_key = ?2 ORDER BY rowid", this, f);
  rows.bind(1, night).bind(2, key);
  while (rows.step()) c.rows.push_back({rows.text(0), rows.text(1), rows.text(2)});
  Stmt sp(db_, "SELECT title, count, report FROM splats WHERE night_id = ?1 AND cell_key = ?2 ORDER BY rowid", this, f);
  sp.bind(1, night).bind(2, key);
  while (sp.step()) c.splats.push_back({sp.text(0), static_cast<unsigned>(sp.integer(1)), sp.text(2)});
  return c;
}

std::vector<PastCell> HistoryDb::past(const std::string& cell, const std::string& before, unsigned limit) {
  auto f = &HistoryDb::raise;
  std::vector<std::string> ids;
  {
    Stmt s(db_, "SELECT n.id FROM cells c JOIN nights n ON n.id = c.night_id WHERE c.cell_key = ?1 AND "
                "c.status != 'infra' AND n.started < ?2 ORDER BY n.started DESC LIMIT ?3", this, f);
    s.bind(1, cell).bind(2, before).bind(3, static_cast<int64_t>(limit));
    while (s.step()) ids.push_back(s.text(0));
  }
  std::vector<PastCell> out;
  for (auto& id : ids) out.push_back({id, load_cell(id, cell)});
  return out;
}

std::vector<HistoryDb::TrailPoint> HistoryDb::trail(const std::string& cell, const std::string& upto, unsigned limit) {
  auto f = &HistoryDb::raise;
  Stmt s(db_, "SELECT n.id, c.status, c.duration_s FROM cells c JOIN nights n ON n.id = c.night_id WHERE "
              "c.cell_key = ?1 AND n.started <= ?2 ORDER BY n.started DESC LIMIT ?3", this, f);
  s.bind(1, cell).bind(2, upto).bind(3, static_cast<int64_t>(limit));
  std::vector<TrailPoint> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2)});
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> HistoryDb::nights() {
  auto f = &HistoryDb::raise;
  Stmt s(db_, "SELECT id FROM nights ORDER BY started", this, f);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

}  // namespace cxlrig
