// Fails if the TextMate grammar marks anything in the given .fnd files as invalid.illegal.
//   node tests/check-no-illegal.js file.fnd ...
'use strict';
const fs = require('fs');
const { loadGrammar, tokenize } = require('./dump-scopes');

(async () => {
  const grammar = await loadGrammar();
  let bad = 0;
  for (const f of process.argv.slice(2)) {
    const lines = fs.readFileSync(f, 'utf8').split(/\r?\n/);
    tokenize(grammar, lines.join('\n')).forEach((tokens, i) => {
      for (const [s, e, scopes] of tokens) {
        if (/\binvalid\.illegal\b/.test(scopes)) {
          bad++;
          console.log(`${f}:${i + 1}:${s + 1}: '${lines[i].slice(s, e)}' is ${scopes.split(' ').pop()}`);
        }
      }
    });
  }
  if (bad) {
    console.log(`${bad} token(s) marked invalid.illegal`);
    process.exit(1);
  }
  console.log(`no invalid.illegal scopes in ${process.argv.length - 2} file(s)`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
