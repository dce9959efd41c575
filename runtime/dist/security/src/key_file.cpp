#include "fnd/dist/security/key_file.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <string.h>

#include "fnd/dist/security/error.hpp"
#include "key_token.hpp"
#include "text_file.hpp"

namespace fnd::dist::security {

namespace {

constexpr std::string_view kPublicField = "public-key";
constexpr std::string_view kSecretField = "secret-key";

std::string octalMode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// A secret key must be readable by its owner only (as ssh insists for its private keys).
void checkSecretPermissions(const std::string& path, mode_t mode) {
  if ((mode & 077) != 0)
    throw KeyFileError(path, 0, 0,
                       "secret key file is accessible by group or others (mode " + octalMode(mode) +
                           "); run 'chmod 600 " + path + "'");
}

struct Wiped {
  std::string& text;
  ~Wiped() { explicit_bzero(text.data(), text.size()); }
};

}  // namespace

KeyFileContents parseKeyFile(std::string_view text, const std::string& file) {
  KeyFileContents out;
  for (const detail::Line& line : detail::splitLines(text)) {
    std::size_t start = detail::firstNonBlank(line.text);
    if (start == line.text.size() || line.text[start] == '#') continue;
    // The name ends at a blank or '='; then '=' must follow (a key may itself contain '=').
    std::size_t nameEnd = line.text.find_first_of(" \t=", start);
    if (nameEnd == std::string_view::npos) nameEnd = line.text.size();
    std::size_t eq = nameEnd + detail::firstNonBlank(line.text.substr(nameEnd));
    if (eq >= line.text.size() || line.text[eq] != '=')
      throw KeyFileError(file, line.number, static_cast<int>(start) + 1,
                         "expected 'public-key = KEY' or 'secret-key = KEY'");
    std::string_view name = line.text.substr(start, nameEnd - start);
    std::string_view rest = line.text.substr(eq + 1);
    std::size_t valueStart = eq + 1 + detail::firstNonBlank(rest);
    std::string_view value = detail::trim(rest);
    int valueColumn = static_cast<int>(valueStart) + 1;
    if (name == kPublicField) {
      if (out.publicKey)
        throw KeyFileError(file, line.number, static_cast<int>(start) + 1,
                           "duplicate public-key (first on line " + std::to_string(out.publicKeyLine) + ")");
      out.publicKey = PublicKey{detail::decodeKeyToken(value, file, line.number, valueColumn, "public-key")};
      out.publicKeyLine = line.number;
    } else if (name == kSecretField) {
      if (out.secretKey)
        throw KeyFileError(file, line.number, static_cast<int>(start) + 1,
                           "duplicate secret-key (first on line " + std::to_string(out.secretKeyLine) + ")");
      out.secretKey = SecretKey(detail::decodeKeyToken(value, file, line.number, valueColumn, "secret-key"));
      out.secretKeyLine = line.number;
    } else {
      throw KeyFileError(file, line.number, static_cast<int>(start) + 1,
                         "unknown field '" + std::string(name) + "' (expected public-key or secret-key)");
    }
  }
  return out;
}

KeyPair loadKeyPairFile(const std::string& path) {
  detail::TextFile f = detail::readSmallTextFile(path, "key file");
  Wiped wipe{f.text};
  KeyFileContents c = parseKeyFile(f.text, path);
  if (!c.secretKey)
    throw KeyFileError(path, 0, 0,
                       "no secret-key line: this is not a key pair file (a node needs NAME.key_secret, "
                       "written by 'fndc keygen')");
  checkSecretPermissions(path, f.mode);
  if (!c.publicKey) throw KeyFileError(path, 0, 0, "no public-key line (a key pair file needs public-key and secret-key)");
  if (derivePublicKey(*c.secretKey) != *c.publicKey)
    throw KeyFileError(path, c.secretKeyLine, 0,
                       "secret-key does not belong to the public-key on line " + std::to_string(c.publicKeyLine));
  return KeyPair{*c.publicKey, *c.secretKey};
}

PublicKey loadPublicKeyFile(const std::string& path) {
  detail::TextFile f = detail::readSmallTextFile(path, "key file");
  Wiped wipe{f.text};
  KeyFileContents c = parseKeyFile(f.text, path);
  if (c.secretKey) checkSecretPermissions(path, f.mode);
  if (!c.publicKey) throw KeyFileError(path, 0, 0, "no public-key line");
  return *c.publicKey;
}

std::string formatKeyPairFile(const KeyPair& pair) {
  return "# Foundation CurveZMQ key pair (written by 'fndc keygen').\n"
         "# SECRET: whoever holds this file can join the cluster. Keep it mode 0600 and out of\n"
         "# version control; hand out the matching .key file (public key only) instead.\n"
         "public-key = " + pair.publicKey.z85() + "\n"
         "secret-key = " + pair.secretKey.z85() + "\n";
}

std::string formatPublicKeyFile(const PublicKey& key) {
  return "# Foundation CurveZMQ public key (written by 'fndc keygen'). Not secret.\n"
         "public-key = " + key.z85() + "\n";
}

}  // namespace fnd::dist::security
