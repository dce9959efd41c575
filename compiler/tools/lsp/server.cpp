#include "tools/lsp/server.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "diag/codes.hpp"
#include "tools/lsp/analysis.hpp"
#include "tools/lsp/index.hpp"
#include "tools/lsp/transport.hpp"

namespace fnd::tools::lsp {

namespace {

#include "keywords.inc"

using json = nlohmann::json;

// JSON-RPC and LSP error codes.
enum ErrorCode {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
};

struct RpcError {
  int code;
  std::string message;
};

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// file:///a%20b/c.fnd -> /a b/c.fnd; other schemes are kept as they are (untitled:...).
std::string uriToPath(const std::string& uri) {
  const std::string prefix = "file://";
  if (uri.compare(0, prefix.size(), prefix) != 0) return uri;
  std::string rest = uri.substr(prefix.size());
  std::size_t slash = rest.find('/');
  rest = slash == std::string::npos ? std::string() : rest.substr(slash);  // drop the authority
  std::string out;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hexValue(rest[i + 1]) >= 0 && hexValue(rest[i + 2]) >= 0) {
      out += static_cast<char>(hexValue(rest[i + 1]) * 16 + hexValue(rest[i + 2]));
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

std::string pathToUri(const std::string& path) {
  if (path.empty() || path[0] != '/') {
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    if (ec || abs.string().empty() || abs.string()[0] != '/') return path;
    return pathToUri(abs.lexically_normal().string());
  }
  static const char* hex = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct Document {
  std::string uri, path, text;
  long long version = 0;
  std::unique_ptr<Analysis> analysis;
  std::unique_ptr<Index> index;
};

class Server {
 public:
  Server(Transport& t, std::vector<std::string> includeDirs, std::string stdlibDir)
      : transport_(t), includeDirs_(std::move(includeDirs)), stdlibDir_(std::move(stdlibDir)) {
    json kw = json::parse(kKeywordsJson);
    for (auto& k : kw["keywords"]) keywords_.push_back(k.get<std::string>());
    for (auto& b : kw["builtins"]) builtins_.push_back(b.get<std::string>());
  }

  int run() {
    for (;;) {
      std::string problem;
      std::optional<std::string> body = transport_.read(problem);
      if (!body) return exitCode_ < 0 ? 1 : exitCode_;
      if (!problem.empty()) {
        sendError(nullptr, kParseError, problem);
        continue;
      }
      handleMessage(*body);
      if (exitCode_ >= 0) return exitCode_;
    }
  }

 private:
  // ---- JSON-RPC
  void send(const json& msg) { transport_.write(msg.dump(-1, ' ', false, json::error_handler_t::replace)); }
  void sendError(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }

  void handleMessage(const std::string& body) {
    json msg;
    try {
      msg = json::parse(body);
    } catch (const std::exception& e) {
      sendError(nullptr, kParseError, std::string("malformed JSON: ") + e.what());
      return;
    }
    if (!msg.is_object()) {
      sendError(nullptr, kInvalidRequest, "a JSON-RPC message is an object");
      return;
    }
    bool hasId = msg.contains("id");
    json id = hasId ? msg["id"] : json(nullptr);
    if (hasId && !id.is_number_integer() && !id.is_string() && !id.is_null()) {
      sendError(nullptr, kInvalidRequest, "'id' must be a number or a string");
      return;
    }
    if (!msg.contains("method")) {
      if (msg.contains("result") || msg.contains("error")) return;  // a response to us: we send no requests
      sendError(id, kInvalidRequest, "missing 'method'");
      return;
    }
    if (!msg["method"].is_string()) {
      sendError(id, kInvalidRequest, "'method' must be a string");
      return;
    }
    std::string method = msg["method"].get<std::string>();
    json params = msg.contains("params") ? msg["params"] : json::object();
    try {
      if (!hasId) {
        notification(method, params);
        return;
      }
      json result = request(method, params);
      send({{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
    } catch (const RpcError& e) {
      if (hasId) sendError(id, e.code, e.message);
    } catch (const json::exception& e) {
      if (hasId) sendError(id, kInvalidParams, std::string("invalid params: ") + e.what());
    } catch (const std::exception& e) {
      if (hasId) sendError(id, kInternalError, e.what());
    }
  }

  json request(const std::string& method, const json& params) {
    if (method == "initialize") return initialize(params);
    if (!initialized_) throw RpcError{kServerNotInitialized, "the server is not initialized yet"};
    if (shutdown_) throw RpcError{kInvalidRequest, "the server is shutting down"};
    if (method == "shutdown") {
      shutdown_ = true;
      return nullptr;
    }
    if (method == "textDocument/hover") return hover(params);
    if (method == "textDocument/definition") return definition(params);
    if (method == "textDocument/completion") return completion(params);
    if (method == "textDocument/documentSymbol") return documentSymbol(params);
    throw RpcError{kMethodNotFound, "method not supported: " + method};
  }

  void notification(const std::string& method, const json& params) {
    if (method == "exit") {
      exitCode_ = shutdown_ ? 0 : 1;
      return;
    }
    if (!initialized_) return;  // notifications before initialize are dropped (LSP)
    if (method == "textDocument/didOpen") {
      const json& td = params.at("textDocument");
      Document d;
      d.uri = td.at("uri").get<std::string>();
      d.path = uriToPath(d.uri);
      d.text = td.at("text").get<std::string>();
      d.version = td.value("version", 0LL);
      docs_[d.uri] = std::move(d);
      refresh();
    } else if (method == "textDocument/didChange") {
      auto it = docs_.find(params.at("textDocument").at("uri").get<std::string>());
      if (it == docs_.end()) return;
      for (const json& change : params.at("contentChanges")) applyChange(it->second, change);
      it->second.version = params.at("textDocument").value("version", it->second.version + 1);
      refresh();
    } else if (method == "textDocument/didClose") {
      std::string uri = params.at("textDocument").at("uri").get<std::string>();
      if (docs_.erase(uri)) {
        notify("textDocument/publishDiagnostics", {{"uri", uri}, {"diagnostics", json::array()}});
        refresh();
      }
    }
    // initialized, didSave, $/cancelRequest, workspace/didChangeConfiguration, ...: nothing to do.
  }

  // ---- lifecycle
  json initialize(const json& params) {
    if (initialized_) throw RpcError{kInvalidRequest, "initialize was already called"};
    if (params.contains("capabilities")) {
      const json& caps = params["capabilities"];
      if (caps.contains("general") && caps["general"].contains("positionEncodings"))
        for (auto& e : caps["general"]["positionEncodings"])
          if (e == "utf-8") utf8_ = true;
    }
    if (params.contains("initializationOptions") && params["initializationOptions"].is_object()) {
      const json& o = params["initializationOptions"];
      if (o.contains("includeDirs"))
        for (auto& d : o["includeDirs"]) includeDirs_.push_back(d.get<std::string>());
    }
    initialized_ = true;
    return {{"capabilities",
             {{"positionEncoding", utf8_ ? "utf-8" : "utf-16"},
              {"textDocumentSync", {{"openClose", true}, {"change", 1}}},
              {"hoverProvider", true},
              {"definitionProvider", true},
              {"completionProvider", {{"triggerCharacters", {"."}}}},
              {"documentSymbolProvider", true}}},
            {"serverInfo", {{"name", "fndc"}, {"version", FND_VERSION}}}};
  }

  // ---- documents
  void applyChange(Document& d, const json& change) {
    std::string text = change.at("text").get<std::string>();
    if (!change.contains("range")) {
      d.text = std::move(text);
      return;
    }
    diag::SourceManager sm;
    diag::FileId f = sm.addBuffer(d.path, d.text);
    auto pos = [&](const json& p) {
      return toOffset(sm, f, {p.at("line").get<int>(), p.at("character").get<int>()}, utf8_);
    };
    std::uint32_t b = pos(change["range"].at("start")), e = pos(change["range"].at("end"));
    if (e < b) std::swap(b, e);
    d.text = d.text.substr(0, b) + text + d.text.substr(e);
  }

  std::map<std::string, std::string> overlays() const {
    std::map<std::string, std::string> o;
    for (auto& [uri, d] : docs_) o[d.path] = d.text;
    return o;
  }

  // Re-analyses every open document (an edit may change what its importers see) and publishes.
  void refresh() {
    auto o = overlays();
    for (auto& [uri, d] : docs_) {
      try {
        d.analysis = analyze(d.path, d.text, o, includeDirs_, stdlibDir_);
        d.index = std::make_unique<Index>(*d.analysis);
        publish(d);
      } catch (const std::exception& e) {
        // Defensive: the front end reports problems as diagnostics and should never throw.
        d.analysis.reset();
        d.index.reset();
        notify("window/logMessage", {{"type", 1}, {"message", "fndc: analysing " + d.path + " failed: " + e.what()}});
      }
    }
  }

  json range(const diag::SourceManager& sm, diag::SourceRange r) const {
    Position b = toPosition(sm, r.file, r.begin, utf8_), e = toPosition(sm, r.file, r.end, utf8_);
    return {{"start", {{"line", b.line}, {"character", b.character}}},
            {"end", {{"line", e.line}, {"character", e.character}}}};
  }

  void publish(const Document& d) {
    const Analysis& a = *d.analysis;
    json list = json::array();
    for (const diag::Diagnostic& diag : a.diags->diagnostics()) {
      diag::SourceRange r = diag.range;
      std::string message = diag.message;
      if (r.file != a.file) {
        // In an imported file (or without a place): shown on the import that leads there.
        diag::SourceRange at{a.file, 0, 0};
        if (r.valid() && a.module)
          for (auto& imp : a.module->imports)
            if (imp.module && imp.module->file == r.file) at = imp.range;
        if (r.valid()) {
          auto lc = a.sources.lineCol(r.file, r.begin);
          message = a.sources.path(r.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) +
                    ": " + message;
        }
        r = at;
      }
      json related = json::array();
      for (const diag::Note& n : diag.notes) {
        if (n.range.valid())
          related.push_back({{"location", {{"uri", pathToUri(a.sources.path(n.range.file))}, {"range", range(a.sources, n.range)}}},
                             {"message", n.message}});
        else
          message += "\nnote: " + n.message;
      }
      json item = {{"range", range(a.sources, r)},
                   {"severity", diag.severity == diag::Severity::Error ? 1 : diag.severity == diag::Severity::Warning ? 2 : 3},
                   {"code", std::string(diag::codeName(diag.code))},
                   {"source", "fndc"},
                   {"message", message}};
      if (!related.empty()) item["relatedInformation"] = related;
      list.push_back(item);
    }
    notify("textDocument/publishDiagnostics", {{"uri", d.uri}, {"version", d.version}, {"diagnostics", list}});
  }

  Document& docFor(const json& params) {
    std::string uri = params.at("textDocument").at("uri").get<std::string>();
    auto it = docs_.find(uri);
    if (it == docs_.end()) throw RpcError{kInvalidParams, "document not open: " + uri};
    if (!it->second.analysis || !it->second.index) throw RpcError{kInternalError, "the document could not be analysed"};
    return it->second;
  }
  std::uint32_t offsetFor(const Document& d, const json& params) const {
    const json& p = params.at("position");
    return toOffset(d.analysis->sources, d.analysis->file, {p.at("line").get<int>(), p.at("character").get<int>()}, utf8_);
  }

  // ---- features
  json hover(const json& params) {
    Document& d = docFor(params);
    const Occurrence* o = d.index->at(offsetFor(d, params));
    if (!o) return nullptr;
    return {{"contents", {{"kind", "markdown"}, {"value", o->hover}}}, {"range", range(d.analysis->sources, o->use)}};
  }

  json definition(const json& params) {
    Document& d = docFor(params);
    const Occurrence* o = d.index->at(offsetFor(d, params));
    if (!o || !o->decl.valid()) return nullptr;
    const Analysis& a = *d.analysis;
    return {{"uri", o->decl.file == a.file ? d.uri : pathToUri(a.sources.path(o->decl.file))},
            {"range", range(a.sources, o->decl)}};
  }

  json completion(const json& params) {
    Document& d = docFor(params);
    std::uint32_t off = std::min<std::uint32_t>(offsetFor(d, params), static_cast<std::uint32_t>(d.text.size()));
    std::uint32_t start = off;
    auto isWordChar = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    while (start > 0 && isWordChar(d.text[start - 1])) --start;
    std::string prefix = d.text.substr(start, off - start);
    json items = json::array();
    auto add = [&](const std::string& label, const std::string& detail, CompletionKind kind) {
      if (label.compare(0, prefix.size(), prefix) != 0) return;
      json item = {{"label", label}, {"kind", static_cast<int>(kind)}};
      if (!detail.empty()) item["detail"] = detail;
      items.push_back(item);
    };
    if (start > 0 && d.text[start - 1] == '.') {
      // `recv.` : analyse the text without the `.prefix` and ask for the type of `recv`.
      std::uint32_t dot = start - 1;
      std::string patched = d.text.substr(0, dot) + d.text.substr(off);
      auto o = overlays();
      o[d.path] = patched;
      auto a = analyze(d.path, patched, o, includeDirs_, stdlibDir_);
      Index idx(*a);
      const ast::Type* t = idx.typeEndingAt(dot);
      if (t) memberCompletions(*t, add);
      return {{"isIncomplete", false}, {"items", items}};
    }
    for (const Candidate& c : d.index->namesAt(off)) add(c.label, c.detail, c.kind);
    for (auto& b : builtins_) add(b, "built-in function", CompletionKind::Function);
    for (auto& k : keywords_) add(k, "keyword", CompletionKind::Keyword);
    return {{"isIncomplete", false}, {"items", items}};
  }

  template <class Add>
  void memberCompletions(const ast::Type& t, Add& add) {
    auto method = [&](const char* name, const std::string& sig) { add(name, sig, CompletionKind::Method); };
    switch (t.kind) {
      case ast::TypeKind::Message:
        if (t.message)
          for (auto& f : t.message->fields)
            add(f.name.name, f.type ? f.type->str() : std::string(), CompletionKind::Field);
        return;
      case ast::TypeKind::List: {
        std::string e = t.elem ? t.elem->str() : "T";
        method("len", "len() -> int");
        method("is_empty", "is_empty() -> bool");
        method("push", "push(x: " + e + ")");
        method("pop", "pop() -> " + e);
        method("contains", "contains(x: " + e + ") -> bool");
        method("clear", "clear()");
        return;
      }
      case ast::TypeKind::Map: {
        std::string k = t.key ? t.key->str() : "K", v = t.elem ? t.elem->str() : "V";
        method("len", "len() -> int");
        method("is_empty", "is_empty() -> bool");
        method("contains", "contains(k: " + k + ") -> bool");
        method("get", "get(k: " + k + ", default: " + v + ") -> " + v);
        method("remove", "remove(k: " + k + ")");
        method("keys", "keys() -> list<" + k + ">");
        method("values", "values() -> list<" + v + ">");
        method("clear", "clear()");
        return;
      }
      case ast::TypeKind::String:
        method("len", "len() -> int");
        method("is_empty", "is_empty() -> bool");
        method("contains", "contains(s: string) -> bool");
        method("starts_with", "starts_with(s: string) -> bool");
        method("ends_with", "ends_with(s: string) -> bool");
        method("split", "split(sep: string) -> list<string>");
        return;
      case ast::TypeKind::Bytes:
        method("len", "len() -> int");
        method("is_empty", "is_empty() -> bool");
        return;
      default:
        return;
    }
  }

  json symbolJson(const Symbol& s, const diag::SourceManager& sm) const {
    json j = {{"name", s.name}, {"kind", static_cast<int>(s.kind)}, {"range", range(sm, s.range)},
              {"selectionRange", range(sm, s.selection)}};
    if (!s.detail.empty()) j["detail"] = s.detail;
    if (!s.children.empty()) {
      j["children"] = json::array();
      for (auto& c : s.children) j["children"].push_back(symbolJson(c, sm));
    }
    return j;
  }

  json documentSymbol(const json& params) {
    Document& d = docFor(params);
    json out = json::array();
    for (const Symbol& s : d.index->outline()) out.push_back(symbolJson(s, d.analysis->sources));
    return out;
  }

  Transport& transport_;
  std::vector<std::string> includeDirs_;
  std::string stdlibDir_;
  std::vector<std::string> keywords_, builtins_;
  std::map<std::string, Document> docs_;
  bool initialized_ = false, shutdown_ = false, utf8_ = false;
  int exitCode_ = -1;
};

}  // namespace

int serve(std::istream& in, std::ostream& out, const std::vector<std::string>& includeDirs,
          const std::string& stdlibDir) {
  Transport t(in, out);
  return Server(t, includeDirs, stdlibDir).run();
}

}  // namespace fnd::tools::lsp
