// Names, C++ types of .fnd types, and message structs with their binary codecs.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <set>

#include "backends/cpp/gen.hpp"

namespace fnd::backend::cpp {

// ---- Code ----

void Code::line(std::string_view s) {
  if (!s.empty()) text_.append(static_cast<std::size_t>(depth_) * 2, ' ');
  text_ += s;
  text_ += '\n';
}

void Code::open(std::string_view s) {
  line(std::string(s) + " {");
  ++depth_;
}

void Code::close(std::string_view s) {
  --depth_;
  line(s);
}

// ---- names ----

namespace {
const std::set<std::string, std::less<>>& reserved() {
  static const std::set<std::string, std::less<>> words = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
      "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
      "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default",
      "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false",
      "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
      "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public",
      "register", "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
      "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
      "volatile", "wchar_t", "while", "xor", "xor_eq", "final", "override", "import", "module",
      // namespaces generated code names, standard macros, the codec members
      "std", "fnd", "assert", "errno", "NULL", "EOF",
      "stdin", "stdout", "stderr", "encode", "decode"};
  return words;
}
}  // namespace

std::string ident(std::string_view name) {
  std::string s(name);
  if (reserved().count(s) || s.starts_with("fnd_") || s.starts_with("__") || (s.size() > 1 && s[0] == '_' && std::isupper(static_cast<unsigned char>(s[1]))))
    s += '_';
  return s;
}

std::string moduleStem(const ast::Module& m) {
  if (!m.name.empty()) return m.name;
  std::string p = m.path;
  auto slash = p.find_last_of('/');
  if (slash != std::string::npos) p = p.substr(slash + 1);
  if (p.ends_with(".fnd")) p.resize(p.size() - 4);
  return p.empty() ? "program" : p;
}

std::string moduleNamespace(const ast::Module& m) {
  std::string stem = moduleStem(m), out, seg;
  auto flush = [&] {
    std::string clean;
    for (char ch : seg) clean += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
    if (clean.empty() || std::isdigit(static_cast<unsigned char>(clean[0]))) clean = "m_" + clean;
    if (!out.empty()) out += "::";
    out += ident(clean);
    seg.clear();
  };
  for (char ch : stem) {
    if (ch == '.') flush();
    else seg += ch;
  }
  flush();
  return out;
}

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '?': out += "\\?"; break;  // no trigraphs
      default:
        if (ch < 0x20 || ch == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string intLiteral(std::int64_t v, bool hex) {
  if (hex) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(v));
    // A pattern with the top bit set is a negative int: write the bits, then convert.
    return v < 0 ? "static_cast<std::int64_t>(" + std::string(buf) + "ULL)" : std::string(buf) + "L";
  }
  if (v == INT64_MIN) return "(-9223372036854775807L - 1)";
  return std::to_string(v) + "L";
}

std::string floatLiteral(double v) {
  if (std::isnan(v)) return "std::numeric_limits<double>::quiet_NaN()";
  if (std::isinf(v)) return v < 0 ? "-std::numeric_limits<double>::infinity()" : "std::numeric_limits<double>::infinity()";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string durationLiteral(std::int64_t millis) { return "fnd::lang::Duration(" + std::to_string(millis) + ")"; }

// ---- types ----

namespace {
// Inside a generated actor class these names are its base classes' (injected class names), so a
// message or actor of this module so named is written with its namespace there.
bool namesABaseClass(const std::string& n) {
  return n == "Actor" || n == "Context" || n == "ProcessCore" || n == "Extras";
}
}  // namespace

std::string Gen::messageName(const ast::MessageDecl& m) const {
  if ((m.module == &module_ || !m.module) && !namesABaseClass(m.name.name)) return m.name.name;
  return moduleNamespace(m.module ? *m.module : module_) + "::" + m.name.name;
}

std::string Gen::actorName(const ast::ActorDecl& a) const {
  if ((a.module == &module_ || !a.module) && !namesABaseClass(a.name.name)) return a.name.name;
  return moduleNamespace(a.module ? *a.module : module_) + "::" + a.name.name;
}

std::string Gen::supervisorFn(const ast::SupervisorDecl& s) const {
  std::string f = "supervisor_" + s.name.name;
  if (s.module == &module_ || !s.module) return f;
  return moduleNamespace(*s.module) + "::" + f;
}

std::string Gen::societyFn(const ast::SocietyDecl& s) const {
  std::string f = "society_" + s.name.name;
  if (s.module == &module_ || !s.module) return f;
  return moduleNamespace(*s.module) + "::" + f;
}

std::string Gen::type(const ast::Type* t) const {
  using K = ast::TypeKind;
  switch (t ? t->kind : K::Error) {
    case K::Int: return "std::int64_t";
    case K::Float: return "double";
    case K::Bool: return "bool";
    case K::String: return "std::string";
    case K::Bytes: return "fnd::Binary";
    case K::Duration: return "fnd::lang::Duration";
    case K::List: return "fnd::lang::List<" + type(t->elem) + ">";
    case K::Map: return "std::map<" + type(t->key) + ", " + type(t->elem) + ">";
    case K::Ref: return "fnd::Ref";
    case K::Message: return messageName(*t->message);
    case K::Void: return "void";
    case K::Error: break;
  }
  return "void /* error type */";
}

std::string Gen::zeroInit(const ast::Type* t) const {
  switch (t ? t->kind : ast::TypeKind::Error) {
    case ast::TypeKind::Int: return " = 0";
    case ast::TypeKind::Float: return " = 0.0";
    case ast::TypeKind::Bool: return " = false";
    case ast::TypeKind::Duration: return "{}";  // std::chrono::milliseconds is not zeroed by default
    default: return "";
  }
}

// Messages of this module, each after the messages its fields contain (sema rejects cycles).
std::vector<const ast::MessageDecl*> Gen::messagesInDependencyOrder(const std::vector<const ast::Module*>& modules) const {
  std::vector<const ast::MessageDecl*> out;
  std::set<const ast::MessageDecl*> done;
  std::function<void(const ast::MessageDecl*)> visit;
  auto ours = [&](const ast::Module* m) {
    return modules.empty() ? m == &module_ : std::find(modules.begin(), modules.end(), m) != modules.end();
  };
  std::function<void(const ast::Type*)> visitType = [&](const ast::Type* t) {
    if (!t) return;
    if (t->kind == ast::TypeKind::Message && ours(t->message->module)) visit(t->message);
    visitType(t->elem);
    visitType(t->key);
  };
  visit = [&](const ast::MessageDecl* m) {
    if (!done.insert(m).second) return;
    for (const auto& f : m->fields) visitType(f.type);
    out.push_back(m);
  };
  if (modules.empty())
    for (const auto& m : module_.messages) visit(m.get());
  for (const auto* mod : modules)
    for (const auto& m : mod->messages) visit(m.get());
  return out;
}

void Gen::messageDecl(Code& c, const ast::MessageDecl& m) {
  c.line(from(m.range));
  c.open("struct " + m.name.name);
  for (const auto& f : m.fields) c.line(type(f.type) + " " + ident(f.name.name) + zeroInit(f.type) + ";");
  if (!m.fields.empty()) c.line();
  c.line("void encode(fnd::lang::Writer& w) const;");
  c.line("static " + m.name.name + " decode(fnd::lang::Reader& r);");
  c.line("friend bool operator==(const " + m.name.name + "&, const " + m.name.name + "&) = default;");
  c.close("};");
}

void Gen::messageCodec(Code& c, const ast::MessageDecl& m) {
  const std::string& n = m.name.name;
  if (m.fields.empty()) {
    c.line("void " + n + "::encode(fnd::lang::Writer&) const {}");
    c.line(n + " " + n + "::decode(fnd::lang::Reader&) { return {}; }");
    return;
  }
  c.open("void " + n + "::encode(fnd::lang::Writer& w) const");
  for (const auto& f : m.fields) c.line("w.put(" + ident(f.name.name) + ");");
  c.close();
  c.open(n + " " + n + "::decode(fnd::lang::Reader& r)");
  c.line(n + " m;");
  for (const auto& f : m.fields) c.line("r.get(m." + ident(f.name.name) + ");");
  c.line("return m;");
  c.close();
}

std::string Gen::from(const diag::SourceRange& r) const {
  if (!r.valid()) return "// from " + moduleStem(module_);
  std::string path = sources_.path(r.file);
  auto slash = path.find_last_of('/');
  if (slash != std::string::npos) path = path.substr(slash + 1);
  return "// from " + path + ":" + std::to_string(sources_.lineCol(r.file, r.begin).line);
}

}  // namespace fnd::backend::cpp
