#include "fnd/dist/security/keygen.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string.h>

#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/key_file.hpp"

namespace fnd::dist::security {

namespace {

bool exists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

[[noreturn]] void failWrite(const std::string& path, int err) {
  throw SecurityError(path + ": error: cannot write key file: " + std::strerror(err));
}

void writeAll(int fd, const std::string& path, const std::string& text, mode_t mode) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      failWrite(path, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  // Exact mode whatever the umask; fsync so a crash leaves the old or the new file, not half.
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) failWrite(path, errno);
}

// Without replace: O_EXCL, so a file that appeared meanwhile is not clobbered. With replace: a
// temporary file renamed over the old one.
void writeFile(const std::string& path, const std::string& text, mode_t mode, bool replace) {
  std::string target = replace ? path + ".tmp.XXXXXX" : path;
  int fd = replace ? ::mkostemp(target.data(), O_CLOEXEC)
                   : ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) throw SecurityError(path + ": error: file exists; use --force to overwrite it");
    failWrite(path, errno);
  }
  try {
    writeAll(fd, path, text, mode);
  } catch (...) {
    ::close(fd);
    ::unlink(target.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(target.c_str());
    failWrite(path, err);
  }
  if (replace && ::rename(target.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(target.c_str());
    failWrite(path, err);
  }
}

}  // namespace

KeygenResult writeNewKeyPairFiles(const std::string& name, bool force) {
  if (name.empty()) throw SecurityError("keygen: empty key name");
  KeygenResult r{name + kSecretKeySuffix, name + kPublicKeySuffix, {}};
  if (!force)
    for (const std::string& f : {r.secretFile, r.publicFile})
      if (exists(f)) throw SecurityError(f + ": error: file exists; use --force to overwrite it");
  KeyPair pair = generateKeyPair();
  r.publicKey = pair.publicKey;
  std::string secretText = formatKeyPairFile(pair);
  try {
    writeFile(r.secretFile, secretText, 0600, force);
  } catch (...) {
    explicit_bzero(secretText.data(), secretText.size());
    throw;
  }
  explicit_bzero(secretText.data(), secretText.size());
  try {
    writeFile(r.publicFile, formatPublicKeyFile(pair.publicKey), 0644, force);
  } catch (const SecurityError& e) {
    // Without force the secret file is ours and new: take it back rather than leave half a pair.
    if (!force) ::unlink(r.secretFile.c_str());
    throw SecurityError(std::string(e.what()) + (force ? " (" + r.secretFile + " was written)" : ""));
  }
  return r;
}

}  // namespace fnd::dist::security
