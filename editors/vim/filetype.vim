" Foundation (.fnd) files. Sourced before Vim's own filetype.vim when editors/vim is early in
" 'runtimepath', so a .fnd file is never first taken for something else by its contents
" (scripts.vim). ftdetect/fnd.vim covers installs as a package.
if exists("did_load_filetypes")
  finish
endif
augroup filetypedetect
  au! BufRead,BufNewFile *.fnd setfiletype fnd
augroup END
