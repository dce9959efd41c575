// fndc fmt: prints a .fnd file in canonical form.
//
// How it works (the gofmt/rustfmt idea of "layout from the tree, spelling and comments from the
// tokens"): the file is parsed into the AST, which decides the layout (one declaration, item and
// statement per line, two-space indentation, canonical spacing). The printer walks the AST in
// source order and takes every token it prints from the file's token stream, so literals keep
// their spelling (`0xff`, `1_000`, `90s`), redundant parentheses stay, and every comment is written
// exactly between the same two tokens as in the input:
//  - a comment on the line of the token before it stays there (trailing comment);
//  - a comment on a line of its own stays on a line of its own, before the next token;
//  - a run of blank lines between items becomes one blank line; blank lines right after `{` and
//    before `}` go.
// Bracketed lists (message fields and literals, list and map literals, arguments) stay on one line
// if they were on one line (no trailing comma); otherwise one element per line, each followed by a
// comma, the trailing one included. A statement block `{ ... }` with at most one simple statement
// stays on one line if it was on one line.
// Before returning, the result is lexed and parsed again and must have the same tokens (ignoring
// `;`, newlines and trailing commas) and the same comments: the formatter never returns a file that
// means something else.
#pragma once

#include <string>

#include "diag/diagnostic.hpp"

namespace fnd::tools {

struct FormatResult {
  bool ok = false;     // false: syntax errors (reported to diags) or an internal failure (`error`)
  std::string output;  // the formatted text when ok
  std::string error;   // an internal failure (never a user's syntax error)
};

// Formats file `file` of `diags.sources()`. Syntax errors are reported to `diags`.
FormatResult formatFile(diag::FileId file, diag::DiagnosticEngine& diags);

}  // namespace fnd::tools
