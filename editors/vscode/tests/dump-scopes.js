// Tokenizes .fnd files with the extension's TextMate grammar, the way VS Code does
// (vscode-textmate + vscode-oniguruma), and prints the scopes as JSON:
//   { "<file>": [ [ [startColumn, endColumn, "source.fnd scope ..."], ... ], ... one list per line ] }
// Used by tests/editors/check_tokens.py and check-no-illegal.js.
'use strict';
const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const grammarPath = path.join(__dirname, '..', 'syntaxes', 'fnd.tmLanguage.json');

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.fnd') return null;
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
    },
  });
  return registry.loadGrammar('source.fnd');
}

function tokenize(grammar, text) {
  const lines = text.split(/\r?\n/);
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, state);
    out.push(r.tokens.map((t) => [t.startIndex, Math.min(t.endIndex, line.length), t.scopes.join(' ')]));
    state = r.ruleStack;
  }
  return out;
}

module.exports = { loadGrammar, tokenize };

if (require.main === module) {
  (async () => {
    const grammar = await loadGrammar();
    const result = {};
    for (const f of process.argv.slice(2)) result[f] = tokenize(grammar, fs.readFileSync(f, 'utf8'));
    process.stdout.write(JSON.stringify(result));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
