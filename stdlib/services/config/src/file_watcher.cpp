#include "file_watcher.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <tuple>

namespace fnd::config {
FileWatcher::Stamp FileWatcher::stamp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = std::move(text).str();
  return {true, s.size(), std::hash<std::string>{}(s)};
}

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
  // The stamp is taken here, not in the thread: a change made right after the constructor returns
  // must be seen as one.
  thread_ = std::thread([this, first = stamp(path_)] { loop(first); });
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

void FileWatcher::loop(Stamp last) {
  std::optional<std::chrono::steady_clock::time_point> gone_since;  // when the file went missing
  alignas(struct inotify_event) char buf[4096];
  for (;;) {
    pollfd fds[2] = {{wake_[0], POLLIN, 0}, {inotify_, POLLIN, 0}};
    int n = ::poll(fds, inotify_ >= 0 ? 2 : 1, static_cast<int>(poll_.count()));
    if (n > 0 && (fds[0].revents & POLLIN)) return;
    // inotify only wakes the loop early (any event in the directory); whether the file changed is
    // its stamp's to say.
    if (n > 0 && inotify_ >= 0 && (fds[1].revents & POLLIN))
      while (::read(inotify_, buf, sizeof buf) > 0) {
      }
    // The content is compared, not the event: an event read after the timed check already saw its
    // change would otherwise reload the same text again.
    Stamp now = stamp(path_);
    const bool exists = std::get<0>(now);
    if (now != last) {
      // An editor still writing changes it again: the next round reloads again.
      if (exists) on_change_();
      else if (std::get<0>(last)) gone_since = std::chrono::steady_clock::now();
      last = now;
    }
    // The file was removed: said once (the reload that cannot read it is logged) when it has stayed
    // away for a poll period, since an editor may delete it just before writing the new one.
    if (!exists && gone_since && std::chrono::steady_clock::now() - *gone_since >= poll_) {
      gone_since.reset();
      on_change_();
    }
  }
}

}  // namespace fnd::config
