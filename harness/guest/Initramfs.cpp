#include "Initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "InputError.h"
#include "TextFile.h"
#include "Sha256.h"

namespace fs = std::filesystem;

namespace cxlrig {

std::string init_script(const std::vector<GuestModule>& early) {
  std::ostringstream s;
  s << "#!/bin/busybox sh\n"
       "/bin/busybox --install -s /bin\n"
       "export PATH=/bin\n"
       "mount -t proc proc /proc\n"
       "mount -t sysfs sysfs /sys\n"
       "mount -t devtmpfs devtmpfs /dev\n"
       "mount -t debugfs debugfs /sys/kernel/debug\n"
       "mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null\n";
  for (auto& m : early) s << "insmod /lib/modules/" << m.name << ".ko\n";
  // The agent runs as init's child, not as init: an Oops that kills it (a scenario that makes
  // the kernel fault in the agent's own task) must leave a console to read, not "Attempted
  // to kill init!". Init then waits; the host sees the Oops and stops waiting for the agent.
  s << "echo cxlrig: init done, starting agent\n"
       "/bin/cxlrig-agent\n"
       "echo \"cxlrig: agent exited ($?)\"\n"
       "while true; do sleep 3600; done\n";
  return s.str();
}

namespace {

class CpioWriter {
 public:
  explicit CpioWriter(const std::string& path) : a_(archive_write_new()) {
    archive_write_set_format_cpio_newc(a_);
    if (archive_write_open_filename(a_, path.c_str()) != ARCHIVE_OK) fail("open");
  }
  ~CpioWriter() {
    if (a_) archive_write_free(a_);
  }
  void dir(const std::string& name) { entry(name, AE_IFDIR, 0755, {}); }
  void file(const std::string& name, const std::string& data, int mode) { entry(name, AE_IFREG, mode, data); }
  void chardev(const std::string& name, unsigned maj, unsigned min) { entry(name, AE_IFCHR, 0600, {}, makedev(maj, min)); }
  void close() {
    if (archive_write_close(a_) != ARCHIVE_OK) fail("close");
    archive_write_free(a_);
    a_ = nullptr;
  }

 private:
  void entry(const std::string& name, unsigned type, int mode, const std::string& data, dev_t rdev = 0) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, mode);
    archive_entry_set_size(e, data.size());
    archive_entry_set_mtime(e, 0, 0);  // reproducible archives
    archive_entry_set_nlink(e, type == AE_IFDIR ? 2 : 1);
    if (rdev) archive_entry_set_rdev(e, rdev);
    if (archive_write_header(a_, e) != ARCHIVE_OK) fail("header " + name);
    if (!data.empty() && archive_write_data(a_, data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
      fail("data " + name);
    archive_entry_free(e);
  }
  void fail(const std::string& what) {
    throw InfraError("initramfs: " + what + ": " + (archive_error_string(a_) ? archive_error_string(a_) : "?"));
  }
  archive* a_;
};

}  // namespace

InitramfsImage build_initramfs(const InitramfsInputs& in, const std::string& cache_dir) {
  const std::string init = init_script(in.early);
  Sha256 h;
  h.update("cxlrig-initramfs/1\n").update(init);
  h.update(sha256_file(in.busybox)).update(sha256_file(in.agent));
  for (auto* list : {&in.early, &in.modules})
    for (auto& m : *list) h.update(m.name).update(sha256_string(m.bytes));
  InitramfsImage img;
  img.hash = h.hex();
  const std::string dir = cache_dir + "/initramfs";
  fs::create_directories(dir);
  img.path = dir + "/" + img.hash.substr(0, 24) + ".cpio";
  if (fs::exists(img.path)) return img;

  const std::string tmp = img.path + ".tmp";
  {
    CpioWriter w(tmp);
    for (auto d : {"bin", "dev", "etc", "lib", "lib/modules", "proc", "sys", "tmp", "root"}) w.dir(d);
    w.chardev("dev/console", 5, 1);
    w.file("init", init, 0755);
    w.file("bin/busybox", read_text_file(in.busybox), 0755);
    w.file("bin/cxlrig-agent", read_text_file(in.agent), 0755);
    std::set<std::string> added;
    for (auto* list : {&in.early, &in.modules})
      for (auto& m : *list)
        if (added.insert(m.name).second) w.file("lib/modules/" + m.name + ".ko", m.bytes, 0644);
    w.close();
  }
  fs::rename(tmp, img.path);
  img.rebuilt = true;
  return img;
}

}  // namespace cxlrig
