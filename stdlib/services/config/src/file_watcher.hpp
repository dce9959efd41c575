// Watches one file for changes: inotify on its directory (editors often replace the file by renaming a
// new one over it), plus a check of (inode, size, mtime) every poll interval as a fallback. Calls
// on_change on its own thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace fnd::config {

class FileWatcher {
 public:
  FileWatcher(std::string path, std::chrono::milliseconds poll, std::function<void()> on_change);
  ~FileWatcher();  // stops and joins
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

 private:
  void loop();
  std::string path_;
  std::chrono::milliseconds poll_;
  std::function<void()> on_change_;
  int inotify_ = -1, wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace fnd::config
