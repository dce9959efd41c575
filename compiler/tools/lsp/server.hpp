// fndc lsp: a Language Server Protocol server on a byte stream (standard input/output).
// Single-threaded; every request is answered before the next is read. Features: diagnostics
// (publishDiagnostics on open/change/close, from the real front end), hover, go to definition,
// completion (keywords, names in scope, fields and methods after `.`), document symbols.
// Malformed input gets a JSON-RPC error response; nothing a client sends can crash the server.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fnd::tools::lsp {

// Serves until `exit` or end of input. Returns the process exit status: 0 after
// shutdown + exit, 1 when the stream ends or `exit` comes without `shutdown` (as the LSP asks).
int serve(std::istream& in, std::ostream& out, const std::vector<std::string>& includeDirs,
          const std::string& stdlibDir);

}  // namespace fnd::tools::lsp
