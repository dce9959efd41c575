#include "file_watcher.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <tuple>

namespace fnd::config {
namespace {
using Stamp = std::tuple<ino_t, off_t, int64_t, int64_t>;
Stamp stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec};
}
}  // namespace

FileWatcher::FileWatcher(std::string path, std::chrono::milliseconds poll, std::function<void()> on_change)
    : path_(std::move(path)), poll_(poll), on_change_(std::move(on_change)) {
  if (::pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  inotify_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ >= 0) {
    std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    std::string dir = parent.empty() ? std::string(1, '.') : parent.string();
    if (::inotify_add_watch(inotify_, dir.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
      ::close(inotify_);
      inotify_ = -1;  // polling only
    }
  }
  thread_ = std::thread([this] { loop(); });
}

FileWatcher::~FileWatcher() {
  if (wake_[1] >= 0) {
    char c = 1;
    (void)!::write(wake_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  if (inotify_ >= 0) ::close(inotify_);
  if (wake_[0] >= 0) ::close(wake_[0]);
  if (wake_[1] >= 0) ::close(wake_[1]);
}

void FileWatcher::loop() {
  Stamp last = stamp(path_);
  const std::string name = std::filesystem::path(path_).filename().string();
  alignas(struct inotify_event) char buf[4096];
  for (;;) {
    pollfd fds[2] = {{wake_[0], POLLIN, 0}, {inotify_, POLLIN, 0}};
    int n = ::poll(fds, inotify_ >= 0 ? 2 : 1, static_cast<int>(poll_.count()));
    if (n > 0 && (fds[0].revents & POLLIN)) return;
    bool touched = false;
    if (n > 0 && inotify_ >= 0 && (fds[1].revents & POLLIN)) {
      ssize_t len;
      while ((len = ::read(inotify_, buf, sizeof buf)) > 0) {
        for (char* p = buf; p < buf + len;) {
          auto* ev = reinterpret_cast<struct inotify_event*>(p);
          if (ev->len && name == ev->name) touched = true;
          p += sizeof(struct inotify_event) + ev->len;
        }
      }
    }
    Stamp now = stamp(path_);
    if (touched || now != last) {
      // An editor may still be writing: reload when the stamp has settled (next round if it moves).
      last = now;
      if (std::get<0>(now) != 0) on_change_();
    }
  }
}

}  // namespace fnd::config
