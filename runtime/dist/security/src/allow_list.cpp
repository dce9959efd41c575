#include "fnd/dist/security/allow_list.hpp"

#include "fnd/dist/security/error.hpp"
#include "key_token.hpp"
#include "text_file.hpp"

namespace fnd::dist::security {

std::vector<AllowedKey> parseAllowList(std::string_view text, const std::string& file) {
  std::vector<AllowedKey> out;
  for (const detail::Line& line : detail::splitLines(text)) {
    std::size_t start = detail::firstNonBlank(line.text);
    if (start == line.text.size() || line.text[start] == '#') continue;
    std::string_view rest = line.text.substr(start);
    std::size_t end = rest.find_first_of(" \t");
    std::string_view token = rest.substr(0, end);
    AllowedKey entry;
    entry.key.bytes = detail::decodeKeyToken(token, file, line.number, static_cast<int>(start) + 1, "public key");
    entry.name = end == std::string_view::npos ? std::string() : std::string(detail::trim(rest.substr(end)));
    entry.line = line.number;
    for (const AllowedKey& seen : out)
      if (seen.key == entry.key)
        throw KeyFileError(file, line.number, static_cast<int>(start) + 1,
                           "public key listed twice (first on line " + std::to_string(seen.line) + ")");
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<AllowedKey> loadAllowListFile(const std::string& path) {
  return parseAllowList(detail::readSmallTextFile(path, "allow-list").text, path);
}

}  // namespace fnd::dist::security
