// The history on a real SQLite file in a temp dir: migrations, round trips, what the diff
// asks of it, and the files it must refuse rather than replace.
#include "HistoryDb.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "InputError.h"

using namespace cxlrig;
namespace fs = std::filesystem;

namespace {

std::string temp_db(const std::string& name) {
  const std::string dir = fs::temp_directory_path() / ("cxlrig-history-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string p = dir + "/" + name;
  fs::remove(p);
  return p;
}

NightRecord night(const std::string& id, const std::string& started, const std::string& verdict) {
  NightRecord n;
  n.id = id;
  n.started = started;
  n.finished = started;
  n.matrix = "t";
  n.shard = "1/1";
  CellRecord c;
  c.key = "rig:vmem-1:multirange-poison:1";
  c.kernel = "rig";
  c.topology = "vmem-1";
  c.scenario = "multirange-poison";
  c.command = "run";
  c.kernel_id = {"rig", "built", "7.3.4", "", "", "abc123", {"fsdev-offset-from-first-range.patch"}};
  c.status = verdict == "FAIL" ? "fail" : "pass";
  c.exit_code = verdict == "FAIL";
  c.duration_s = 21.5;
  c.reproduce = "cxlrig run --scenario multirange-poison";
  c.rows = {{"d0/s1/r0/first/corrupt_pfn", "PASS", ""}, {"d0/s1/r1/first/corrupt_pfn", verdict, "offset"}};
  if (verdict == "FAIL") c.splats = {{"WARNING in fsdev_pagemap_memory_failure", 2, "WARNING: ..."}};
  n.cells = {c};
  CellRecord infra = c;
  infra.key = "debian-7.3:vmem-1:multirange-poison:1";
  infra.status = "infra";
  infra.rows.clear();
  infra.splats.clear();
  infra.reason = "boot timed out";
  n.cells.push_back(infra);
  return n;
}

}  // namespace

TEST(HistoryDb, CreatesAtTheCurrentSchemaAndRoundTripsACell) {
  const auto p = temp_db("a.sqlite");
  HistoryDb db(p);
  EXPECT_EQ(db.schema_version(), HistoryDb::kSchemaVersion);
  db.record(night("n1", "2026-11-29T01:00:00Z", "PASS"));
  db.record(night("n2", "2026-11-30T01:00:00Z", "FAIL"));
  auto past = db.past("rig:vmem-1:multirange-poison:1", "2026-12-01T00:00:00Z", 5);
  ASSERT_EQ(past.size(), 2u);
  EXPECT_EQ(past[0].night, "n2") << "latest first";
  const CellRecord& c = past[0].cell;
  EXPECT_EQ(c.status, "fail");
  EXPECT_EQ(c.kernel_id.patches, std::vector<std::string>{"fsdev-offset-from-first-range.patch"});
  EXPECT_EQ(c.kernel_id.config_hash, "abc123");
  ASSERT_EQ(c.rows.size(), 2u);
  EXPECT_EQ(c.row("d0/s1/r1/first/corrupt_pfn")->verdict, "FAIL");
  ASSERT_EQ(c.splats.size(), 1u);
  EXPECT_EQ(c.splats[0].count, 2u);
  EXPECT_EQ(c.reproduce, "cxlrig run --scenario multirange-poison");
  EXPECT_TRUE(db.past("debian-7.3:vmem-1:multirange-poison:1", "2026-12-01T00:00:00Z", 5).empty())
      << "an infrastructure night is not a night the cell ran";
  auto trail = db.trail("debian-7.3:vmem-1:multirange-poison:1", "2026-12-01T00:00:00Z", 10);
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].night, "n1") << "oldest first";
  EXPECT_EQ(trail[1].status, "infra");
  EXPECT_EQ(db.nights(), (std::vector<std::string>{"n1", "n2"}));
}

TEST(HistoryDb, RecordingANightAgainReplacesItsCells) {
  const auto p = temp_db("b.sqlite");
  HistoryDb db(p);
  db.record(night("n1", "2026-11-29T01:00:00Z", "FAIL"));
  db.record(night("n1", "2026-11-29T01:00:00Z", "PASS"));
  auto past = db.past("rig:vmem-1:multirange-poison:1", "2026-12-01T00:00:00Z", 5);
  ASSERT_EQ(past.size(), 1u);
  EXPECT_EQ(past[0].cell.status, "pass");
  EXPECT_TRUE(past[0].cell.splats.empty());
}

TEST(HistoryDb, MigratesAVersion1History) {
  const auto p = temp_db("v1.sqlite");
  {
    HistoryDb db(p);
    db.record(night("n1", "2026-11-29T01:00:00Z", "PASS"));
  }
  // Take it back to what version 1 wrote: no reproduce column, no index.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(p.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "DROP INDEX cells_by_key; ALTER TABLE cells DROP COLUMN reproduce; PRAGMA user_version = 1;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  HistoryDb db(p);
  EXPECT_EQ(db.schema_version(), 2);
  auto past = db.past("rig:vmem-1:multirange-poison:1", "2026-12-01T00:00:00Z", 5);
  ASSERT_EQ(past.size(), 1u) << "the night written before the migration is still there";
  EXPECT_EQ(past[0].cell.reproduce, "");
}

TEST(HistoryDb, ACorruptFileIsRefusedAndKept) {
  const auto p = temp_db("corrupt.sqlite");
  std::ofstream(p) << "this is not an SQLite file, but somebody's history might have been\n";
  try {
    HistoryDb db(p, "--db");
    FAIL() << "a corrupt history was opened";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "--db");
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a readable cxlrig history"), std::string::npos) << e.what();
  }
  std::ifstream f(p);
  std::string first;
  std::getline(f, first);
  EXPECT_EQ(first, "this is not an SQLite file, but somebody's history might have been") << "never replaced";
}

TEST(HistoryDb, AnotherDatabaseOrANewerSchemaIsRefused) {
  const auto other = temp_db("other.sqlite");
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &raw), SQLITE_OK);
  sqlite3_exec(raw, "CREATE TABLE t (x); ", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  EXPECT_THROW(HistoryDb db(other), InputError);
  const auto newer = temp_db("newer.sqlite");
  ASSERT_EQ(sqlite3_open(newer.c_str(), &raw), SQLITE_OK);
  sqlite3_exec(raw, "PRAGMA user_version = 99;", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  EXPECT_THROW(HistoryDb db(newer), InputError);
}

TEST(HistoryDb, ALockedHistoryIsInfrastructureNamingTheFile) {
  const auto p = temp_db("locked.sqlite");
  { HistoryDb db(p); }
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(p.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    HistoryDb db(p);
    FAIL() << "opened a history another writer holds";
  } catch (const InfraError& e) {
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
  }
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
}
