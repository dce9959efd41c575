// Paths, types and textual values.
#include <cmath>
#include <charconv>
#include <cerrno>
#include <cstdlib>

#include "fnd/services/config.hpp"
#include "fnd/services/errors.hpp"

namespace fnd::config {

Path::Path(std::string_view dotted) {
  if (dotted.empty()) return;
  for (;;) {
    size_t p = dotted.find('.');
    parts_.emplace_back(dotted.substr(0, p));
    if (p == std::string_view::npos) break;
    dotted.remove_prefix(p + 1);
  }
}

std::string Path::str() const {
  std::string s;
  for (auto& p : parts_) {
    if (!s.empty()) s += '.';
    s += p;
  }
  return s;
}

const char* to_string(Type t) noexcept {
  switch (t) {
    case Type::boolean: return "boolean";
    case Type::integer: return "integer";
    case Type::number: return "number";
    case Type::string: return "string";
    case Type::list: return "list";
    case Type::any: return "any";
  }
  return "?";
}

const char* to_string(ChangeKind k) noexcept {
  switch (k) {
    case ChangeKind::update: return "update";
    case ChangeKind::reset: return "reset";
    case ChangeKind::reload: return "reload";
  }
  return "?";
}

Result<Value> parse_as(Type type, std::string_view text) {
  std::string s(text);
  auto bad = [&](const char* what) {
    return errors::make(errors::code::invalid_config_value, "'" + s + "' is not " + what);
  };
  switch (type) {
    case Type::boolean:
      if (s == "true" || s == "1" || s == "yes" || s == "on") return Value(true);
      if (s == "false" || s == "0" || s == "no" || s == "off") return Value(false);
      return bad("a boolean");
    case Type::integer: {
      // As the language writes ints: decimal or 0x hex, with an optional sign; no blanks.
      std::string_view digits = s;
      const bool negative = !digits.empty() && digits[0] == '-';
      if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
      int base = 10;
      if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits.remove_prefix(2);
      }
      unsigned long long magnitude = 0;
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
      const unsigned long long limit = negative ? 9223372036854775808ULL : 9223372036854775807ULL;
      if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || magnitude > limit)
        return bad("an integer");
      return Value(negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude));
    }
    case Type::number: {
      // Decimal, with an optional fraction and exponent: not hex, nan or inf, no blanks.
      errno = 0;
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      const bool plain = !s.empty() && s.find_first_not_of("0123456789+-.eE") == std::string::npos;
      if (!plain || *end || errno || !std::isfinite(v)) return bad("a number");
      return Value(v);
    }
    case Type::string: return Value(s);
    case Type::list:
    case Type::any: {
      Value v = Value::parse(s, nullptr, false);
      if (v.is_discarded()) {
        if (type == Type::any) return Value(s);
        return bad("a JSON list");
      }
      if (type == Type::list && !v.is_array()) return bad("a JSON list");
      return v;
    }
  }
  return bad("valid");
}

}  // namespace fnd::config
