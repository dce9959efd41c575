// Watches one file for changes: inotify on its directory (editors often replace the file by renaming a
// new one over it) wakes it early, and every poll interval it reads the file: on_change is called (on
// the watcher's own thread) when the content differs from the last content seen.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <cstdint>
#include <thread>
#include <tuple>

namespace fnd::config {

class FileWatcher {
 public:
  FileWatcher(std::string path, std::chrono::milliseconds poll, std::function<void()> on_change);
  ~FileWatcher();  // stops and joins
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

 private:
  // (exists, size, hash of the content): a change is a change of what the file says, so a `touch`
  // is none, and two writes within one tick of the file system's clock are still two.
  using Stamp = std::tuple<bool, std::uint64_t, std::size_t>;
  static Stamp stamp(const std::string& path);
  void loop(Stamp last);
  std::string path_;
  std::chrono::milliseconds poll_;
  std::function<void()> on_change_;
  int inotify_ = -1, wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace fnd::config
