" Vim indent file
" Language: Foundation (.fnd)
"
" One shiftwidth per open bracket: a line is indented one level deeper than the line holding the
" innermost unclosed `{`, `[` or `(` before it, or level with that line if it starts with the
" closing bracket. A statement continued over lines (the line before ends with an operator, or
" this one starts with `.`) gets one more level. Lines inside block comments keep their
" indentation. (The same rules as editors/emacs/fnd-mode.el.)

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
    let names = map(synstack(a:lnum, first + 1), 'synIDattr(v:val, "name")')
    if index(names, 'fndBlockComment') >= 0 && line !~# '^\s*/\*'
      return -1
    endif
  endif

  let save = getcurpos()
  call cursor(a:lnum, 1)
  let skip = 's:Ignored(line("."), col("."))'
  let [olnum, ocol] = searchpairpos('[({[]', '', '[)}\]]', 'bnW', skip)
  call setpos('.', save)
  let base = olnum > 0 ? indent(olnum) + shiftwidth() : 0
  if line =~# '^\s*[)}\]]'
    return olnum > 0 ? indent(olnum) : 0
  endif
  return s:Continues(a:lnum, line) ? base + shiftwidth() : base
endfunction

" A statement continued from the line before (which ends with an operator) or onto this line
" (which starts with `.`) is indented one more level.
function! s:Continues(lnum, line) abort
  if a:line =~# '^\s*\.'
    return 1
  endif
  " The last code character before this line, skipping blank lines and comments.
  let prev = a:lnum
  let col = 0
  while col <= 0
    let prev = prevnonblank(prev - 1)
    if prev <= 0
      return 0
    endif
    let text = getline(prev)
    let col = len(text)
    while col > 0 && (text[col - 1] =~# '\s' || s:InComment(prev, col))
      let col -= 1
    endwhile
  endwhile
  if s:Ignored(prev, col)
    return 0
  endif
  return strpart(text, 0, col) =~# '\%(->\|[-+*/%=<.&|^~]\|\<\%(and\|or\|not\)\)$'
endfunction

function! s:InComment(lnum, col) abort
  for id in synstack(a:lnum, a:col)
    if synIDattr(id, 'name') =~# '^fnd\%(Comment\|BlockComment\|Todo\)$'
      return 1
    endif
  endfor
  return 0
endfunction
