" Run by test_vim.sh: vim -n -u NONE -i NONE -N -Es --cmd 'set rtp^=editors/vim' -S vim_check.vim FILES
" For each file: the ftdetect/ftplugin/indent/syntax files load without error and take effect; dumps
" the syntax groups of every character (for check_tokens.py) and the buffer re-indented with
" gg=G (for check_indent.py). $FND_SYNTAX_DUMP and $FND_INDENT_DUMP name the JSON outputs.
set nomore
filetype plugin indent on
syntax on

let s:errors = []
let s:syntax = {}
let s:indent = {}

function! s:Fail(file, msg) abort
  call add(s:errors, a:file . ': ' . a:msg)
endfunction

for s:file in argv()
  let v:errmsg = ''
  try
    execute 'silent edit ' . fnameescape(s:file)
  catch
    call s:Fail(s:file, 'error while opening: ' . v:exception)
    continue
  endtry
  if v:errmsg !=# ''
    call s:Fail(s:file, 'error while opening: ' . v:errmsg)
  endif
  if &filetype !=# 'fnd'
    call s:Fail(s:file, 'filetype is "' . &filetype . '", not fnd (ftdetect)')
  endif
  if get(b:, 'current_syntax', '') !=# 'fnd'
    call s:Fail(s:file, 'syntax/fnd.vim did not load')
  endif
  if &indentexpr !~# 'FndIndent'
    call s:Fail(s:file, 'indent/fnd.vim did not load')
  endif
  if &commentstring !=# '// %s'
    call s:Fail(s:file, 'ftplugin/fnd.vim did not load (commentstring is "' . &commentstring . '")')
  endif

  let s:lines = []
  for s:lnum in range(1, line('$'))
    let s:text = getline(s:lnum)
    if strchars(s:text) > 1000
      " Vim stops highlighting after 'synmaxcol' (3000 bytes); not checked.
      call add(s:lines, v:null)
      continue
    endif
    let s:labels = []
    for s:ci in range(strchars(s:text))
      let s:col = byteidx(s:text, s:ci) + 1
      call add(s:labels, join(map(synstack(s:lnum, s:col), 'synIDattr(v:val, "name")'), ' '))
    endfor
    call add(s:lines, s:labels)
  endfor
  let s:syntax[s:file] = s:lines

  let v:errmsg = ''
  try
    silent normal! gg=G
  catch
    call s:Fail(s:file, 'error while indenting: ' . v:exception)
  endtry
  if v:errmsg !=# ''
    call s:Fail(s:file, 'error while indenting: ' . v:errmsg)
  endif
  let s:indent[s:file] = getline(1, '$')
  silent! bwipeout!
endfor

call writefile([json_encode(s:syntax)], $FND_SYNTAX_DUMP)
call writefile([json_encode(s:indent)], $FND_INDENT_DUMP)
if !empty(s:errors)
  call writefile(s:errors, '/dev/stderr')
  cquit
endif
qall!
