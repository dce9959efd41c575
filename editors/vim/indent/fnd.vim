" Vim indent file
" Language: Foundation (.fnd)
"
" One shiftwidth per open bracket: a line is indented one level deeper than the line holding the
" innermost unclosed `{`, `[` or `(` before it, or level with that line if it starts with the
" closing bracket. Lines inside block comments keep their indentation. (The same rule as
" editors/emacs/fnd-mode.el.)

if exists("b:did_indent")
  finish
endif
let b:did_indent = 1

setlocal indentexpr=FndIndent(v:lnum)
setlocal indentkeys=0{,0},0),0],!^F,o,O,e
setlocal nolisp nosmartindent

let b:undo_indent = "setlocal indentexpr< indentkeys< lisp< smartindent<"

if exists("*FndIndent")
  finish
endif

" Brackets inside strings (and interpolations) and comments do not count.
function! s:Ignored(lnum, col) abort
  for id in synstack(a:lnum, a:col)
    if synIDattr(id, 'name') =~# '^fnd\%(String\|Quote\|Comment\|BlockComment\|Todo\|Interp\|BraceEscape\|StrayBrace\|EmptyInterp\|Unterminated\|Escape\|BadEscape\)'
      return 1
    endif
  endfor
  return 0
endfunction

function! FndIndent(lnum) abort
  let line = getline(a:lnum)
  " Inside a block comment (but not on its first line): leave the line alone.
  let first = match(line, '\S')
  if first >= 0 && a:lnum > 1
    let ids = synstack(a:lnum, first + 1)
    if !empty(ids) && synIDattr(ids[0], 'name') ==# 'fndBlockComment' && line !~# '^\s*/\*'
      return -1
    endif
  endif

  let save = getcurpos()
  call cursor(a:lnum, 1)
  let skip = 's:Ignored(line("."), col("."))'
  let [olnum, ocol] = searchpairpos('[({[]', '', '[)}\]]', 'bnW', skip)
  call setpos('.', save)
  if olnum <= 0
    return 0
  endif
  let base = indent(olnum)
  return line =~# '^\s*[)}\]]' ? base : base + shiftwidth()
endfunction
