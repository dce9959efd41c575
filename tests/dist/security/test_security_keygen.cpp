// What `fndc keygen` does: loadable files, 0600 for the secret one, no overwriting without force.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/key_file.hpp"
#include "fnd/dist/security/keygen.hpp"
#include "temp_dir.hpp"

using namespace fnd::dist::security;
using fnd::dist::security::test::TempDir;

namespace {

unsigned modeOf(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("keygen writes a loadable key pair, the secret file 0600") {
  TempDir dir;
  ::umask(0);  // the modes must not depend on the caller's umask
  KeygenResult r = writeNewKeyPairFiles(dir.file("cluster"), false);
  ::umask(022);
  CHECK(r.secretFile == dir.file("cluster.key_secret"));
  CHECK(r.publicFile == dir.file("cluster.key"));
  CHECK(modeOf(r.secretFile) == 0600);
  CHECK(modeOf(r.publicFile) == 0644);
  KeyPair pair = loadKeyPairFile(r.secretFile);
  CHECK(pair.publicKey == r.publicKey);
  CHECK(derivePublicKey(pair.secretKey) == r.publicKey);
  CHECK(loadPublicKeyFile(r.publicFile) == r.publicKey);
  CHECK(contents(r.publicFile).find("secret-key") == std::string::npos);
}

TEST_CASE("keygen refuses to overwrite without force, replaces with it") {
  TempDir dir;
  KeygenResult first = writeNewKeyPairFiles(dir.file("n1"), false);
  std::string before = contents(first.secretFile);
  try {
    writeNewKeyPairFiles(dir.file("n1"), false);
    FAIL("overwrote");
  } catch (const SecurityError& e) {
    CHECK(std::string(e.what()) == first.secretFile + ": error: file exists; use --force to overwrite it");
  }
  CHECK(contents(first.secretFile) == before);

  // Only the public half present: still refused, and nothing written.
  std::remove(first.secretFile.c_str());
  try {
    writeNewKeyPairFiles(dir.file("n1"), false);
    FAIL("overwrote");
  } catch (const SecurityError& e) {
    CHECK(std::string(e.what()) == first.publicFile + ": error: file exists; use --force to overwrite it");
  }
  CHECK_FALSE(std::ifstream(first.secretFile).good());

  KeygenResult second = writeNewKeyPairFiles(dir.file("n1"), true);
  CHECK(second.publicKey != first.publicKey);
  CHECK(loadKeyPairFile(second.secretFile).publicKey == second.publicKey);
  CHECK(modeOf(second.secretFile) == 0600);
}

TEST_CASE("keygen reports a directory it cannot write into") {
  TempDir dir;
  std::string target = dir.file("no/such/dir/n1");
  try {
    writeNewKeyPairFiles(target, false);
    FAIL("wrote");
  } catch (const SecurityError& e) {
    CHECK(std::string(e.what()) == target + ".key_secret: error: cannot write key file: No such file or directory");
  }
}
