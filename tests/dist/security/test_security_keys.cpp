// Z85, key files and allow-lists: round trips, and the exact error for each malformed input.
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "fnd/dist/security/allow_list.hpp"
#include "fnd/dist/security/error.hpp"
#include "fnd/dist/security/key_file.hpp"
#include "fnd/dist/security/z85.hpp"
#include "temp_dir.hpp"

using namespace fnd::dist::security;
using fnd::dist::security::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string errorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const SecurityError& e) {
    return e.what();
  }
  return "(no error)";
}

const fs::perms kMode0644 = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;

}  // namespace

TEST_CASE("z85 agrees with libzmq and round-trips") {
  KeyPair pair = generateKeyPair();
  char theirs[41];
  REQUIRE(zmq_z85_encode(theirs, pair.publicKey.bytes.data(), 32) != nullptr);
  CHECK(pair.publicKey.z85() == std::string(theirs));
  std::vector<std::uint8_t> back;
  REQUIRE_FALSE(z85Decode(pair.publicKey.z85(), back).has_value());
  CHECK(std::equal(back.begin(), back.end(), pair.publicKey.bytes.begin()));
  // RFC 32's test vector.
  const std::uint8_t hello[8] = {0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B};
  CHECK(z85Encode(hello, 8) == "HelloWorld");
}

TEST_CASE("z85 decoding reports the offending character") {
  std::vector<std::uint8_t> out;
  auto err = z85Decode("Hello~orld", out);
  REQUIRE(err.has_value());
  CHECK(err->offset == 5);
  CHECK(err->message == "invalid Z85 character '~'");
  err = z85Decode("%%%%%", out);  // 84 * (85^4+85^3+85^2+85+1) > 2^32 - 1
  REQUIRE(err.has_value());
  CHECK(err->message == "Z85 group '%%%%%' exceeds 32 bits");
  CHECK(z85Decode("abcd", out)->message == "Z85 text length 4 is not a multiple of 5");
}

TEST_CASE("a key pair file written by formatKeyPairFile loads back") {
  TempDir dir;
  KeyPair pair = generateKeyPair();
  std::string path = dir.write("n.key_secret", formatKeyPairFile(pair));
  KeyPair loaded = loadKeyPairFile(path);
  CHECK(loaded.publicKey == pair.publicKey);
  CHECK(loaded.secretKey.bytes() == pair.secretKey.bytes());
  CHECK(loadPublicKeyFile(path) == pair.publicKey);
  CHECK(loadPublicKeyFile(dir.write("n.key", formatPublicKeyFile(pair.publicKey), kMode0644)) == pair.publicKey);
}

TEST_CASE("key file errors name the file, line and column") {
  TempDir dir;
  KeyPair pair = generateKeyPair();
  const std::string pub = pair.publicKey.z85(), sec = pair.secretKey.z85();
  auto load = [&](const std::string& text) {
    std::string p = dir.write("k.key_secret", text);
    return errorOf([&] { loadKeyPairFile(p); });
  };
  const std::string f = dir.file("k.key_secret");

  SECTION("missing file") {
    std::string missing = dir.file("absent.key_secret");
    CHECK(errorOf([&] { loadKeyPairFile(missing); }) ==
          missing + ": error: cannot open key file: No such file or directory");
  }
  SECTION("a directory") {
    CHECK(errorOf([&] { loadKeyPairFile(dir.file("")); }) == dir.file("") + ": error: key file is not a regular file");
  }
  SECTION("unreadable") {
    std::string p = dir.write("locked.key_secret", "public-key = " + pub + "\n", fs::perms::none);
    if (::geteuid() == 0) {
      WARN("running as root: an unreadable file cannot be made; check skipped");
    } else {
      CHECK(errorOf([&] { loadKeyPairFile(p); }) == p + ": error: cannot open key file: Permission denied");
    }
  }
  SECTION("key too short") {
    CHECK(load("# c\npublic-key = " + pub.substr(0, 39) + "\nsecret-key = " + sec + "\n") ==
          f + ":2:14: error: public-key must be 40 Z85 characters (a 32-byte key), found 39");
  }
  SECTION("bad Z85 character, with its column") {
    std::string bad = sec;
    bad[7] = '~';
    CHECK(load("public-key = " + pub + "\n  secret-key =  " + bad + "\n") ==
          f + ":2:24: error: invalid Z85 character '~' in secret-key");
  }
  SECTION("missing secret key") {
    CHECK(load("public-key = " + pub + "\n") ==
          f + ": error: no secret-key line: this is not a key pair file (a node needs NAME.key_secret, written by "
              "'fndc keygen')");
  }
  SECTION("missing public key") {
    CHECK(load("secret-key = " + sec + "\n") ==
          f + ": error: no public-key line (a key pair file needs public-key and secret-key)");
  }
  SECTION("no value") {
    CHECK(load("public-key =\n") == f + ":1:13: error: public-key has no value");
  }
  SECTION("not name = value") {
    // (a fixed key: a random one may start with '=', which makes the line valid)
    CHECK(load("\n\npublic-key " + std::string(40, '0') + "\n") ==
          f + ":3:1: error: expected 'public-key = KEY' or 'secret-key = KEY'");
    // '=' is a Z85 character: a key containing one is still no separator.
    CHECK(load("public-key abcde=ABCDE\n") == f + ":1:1: error: expected 'public-key = KEY' or 'secret-key = KEY'");
    CHECK(load("public-key=" + pub + "\nsecret-key\t=\t" + sec + "\n") == "(no error)");
  }
  SECTION("unknown field") {
    CHECK(load("public-kee = " + pub + "\n") ==
          f + ":1:1: error: unknown field 'public-kee' (expected public-key or secret-key)");
  }
  SECTION("duplicate field") {
    CHECK(load("public-key = " + pub + "\npublic-key = " + pub + "\n") ==
          f + ":2:1: error: duplicate public-key (first on line 1)");
  }
  SECTION("secret key of another pair") {
    KeyPair other = generateKeyPair();
    CHECK(load("public-key = " + pub + "\r\nsecret-key = " + other.secretKey.z85() + "\r\n") ==
          f + ":2: error: secret-key does not belong to the public-key on line 1");
  }
  SECTION("secret key readable by others") {
    std::string p = dir.write("open.key_secret", formatKeyPairFile(pair), kMode0644);
    CHECK(errorOf([&] { loadKeyPairFile(p); }) ==
          p + ": error: secret key file is accessible by group or others (mode 0644); run 'chmod 600 " + p + "'");
    // Also when only the public key is wanted: the secret has leaked either way.
    CHECK(errorOf([&] { loadPublicKeyFile(p); }) ==
          p + ": error: secret key file is accessible by group or others (mode 0644); run 'chmod 600 " + p + "'");
  }
  SECTION("the error carries its location") {
    std::string p = dir.write("k2.key_secret", "public-key = x\n");
    try {
      loadKeyPairFile(p);
      FAIL("no error");
    } catch (const KeyFileError& e) {
      CHECK(e.file() == p);
      CHECK(e.line() == 1);
      CHECK(e.column() == 14);
    }
  }
}

TEST_CASE("allow-lists: keys with optional names, errors with locations") {
  KeyPair a = generateKeyPair(), b = generateKeyPair();
  std::string text = "# nodes\n" + a.publicKey.z85() + " n1\n\n  " + b.publicKey.z85() + "\n";
  auto list = parseAllowList(text, "allow.txt");
  REQUIRE(list.size() == 2);
  CHECK(list[0].key == a.publicKey);
  CHECK(list[0].name == "n1");
  CHECK(list[0].line == 2);
  CHECK(list[1].key == b.publicKey);
  CHECK(list[1].name.empty());

  CHECK(errorOf([&] { parseAllowList(a.publicKey.z85() + "x n1\n", "allow.txt"); }) ==
        "allow.txt:1:1: error: public key must be 40 Z85 characters (a 32-byte key), found 41");
  CHECK(errorOf([&] { parseAllowList(a.publicKey.z85() + "\n" + a.publicKey.z85() + " again\n", "allow.txt"); }) ==
        "allow.txt:2:1: error: public key listed twice (first on line 1)");
  std::string bad = b.publicKey.z85();
  bad[0] = '"';
  CHECK(errorOf([&] { parseAllowList("\n " + bad + "\n", "allow.txt"); }) ==
        "allow.txt:2:2: error: invalid Z85 character '\"' in public key");
  TempDir dir;
  std::string missing = dir.file("nope.txt");
  CHECK(errorOf([&] { loadAllowListFile(missing); }) ==
        missing + ": error: cannot open allow-list: No such file or directory");
}
