;;; fnd-mode.el --- Major mode for Foundation (.fnd) files  -*- lexical-binding: t; -*-

;; @@header@@
;; Version: 0.1.0
;; Package-Requires: ((emacs "25.1"))
;; Keywords: languages

;;; Commentary:

;; Font lock, indentation and comment support for Foundation's `.fnd' files:
;; messages, actors, supervisors and societies, with a small handler language.
;;
;;   (add-to-list 'load-path "/path/to/fnd/editors/emacs")
;;   (require 'fnd-mode)
;;
;; `.fnd' files then open in `fnd-mode'.  Indentation is one `fnd-indent-offset'
;; per open bracket; `M-;' comments with `//'.

;;; Code:

(defgroup fnd nil
  "Foundation (.fnd) files."
  :group 'languages
  :prefix "fnd-")

(defcustom fnd-indent-offset 2
  "Indentation of a block (or a bracketed continuation) in `fnd-mode'."
  :type 'integer
  :safe #'integerp)

;; The word lists come from the lexer rules of grammar/Fnd.g4 (see editors/keywords/).
(defconst fnd-keywords
  '(@@elisp:declaration,member,binding,control,action,operator,other@@)
  "Keywords of the .fnd language (all but types, constants and self/sender).")

(defconst fnd-types '(@@elisp:type@@)
  "Built-in type names.")

(defconst fnd-constants '(@@elisp:constant@@)
  "Literal keywords.")

(defconst fnd-variables '(@@elisp:variable@@)
  "Keywords that name the current process or the sender of the current message.")

(defconst fnd-builtins '(@@elisp:builtins@@)
  "Built-in functions (from the compiler's table).")

(defconst fnd-after-dot-words '(@@elisp:after_dot@@)
  "Keywords that are plain words right after a `.' (`import std.log').")

(defconst fnd-field-words '(@@elisp:field_words@@)
  "Keywords that may name a message field (`message Mail { from: ref }').")

(defconst fnd-duration-units '(@@elisp:units@@)
  "Suffixes of duration literals such as `10s'.")

(defconst fnd-cluster-settings '(@@elisp:cluster_settings@@)
  "Setting names of a `cluster' body (from the compiler's table; not reserved).")

(defface fnd-number-face '((t :inherit font-lock-constant-face))
  "Face for numbers and durations in `fnd-mode'.")

(defface fnd-escape-face '((t :inherit font-lock-constant-face))
  "Face for escapes (and `{{' `}}') in strings in `fnd-mode'.")

(defface fnd-interpolation-face '((t :inherit font-lock-variable-name-face))
  "Face for `{expr}' interpolations in strings in `fnd-mode'.")

(defface fnd-error-face '((t :inherit error))
  "Face for what the compiler's lexer rejects in `fnd-mode'.")

(defvar fnd-mode-syntax-table
  (let ((st (make-syntax-table)))
    ;; Names are ASCII (the lexer's ID and TYPE_NAME); any other character ends one.
    (modify-syntax-entry '(#x80 . #x3FFFFF) "." st)
    (modify-syntax-entry ?_ "_" st)
    ;; `//' line comments and `/* */' block comments (which do not nest).
    (modify-syntax-entry ?/ ". 124b" st)
    (modify-syntax-entry ?* ". 23" st)
    (modify-syntax-entry ?\n "> b" st)
    (modify-syntax-entry ?\" "\"" st)
    (modify-syntax-entry ?\\ "\\" st)
    (modify-syntax-entry ?' "." st)
    (dolist (c '(?+ ?- ?= ?< ?> ?% ?! ?& ?| ?: ?\; ?, ?. ?# ?$ ?@ ?^ ?` ?~ ??))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table for `fnd-mode'.")

(defun fnd--in-code-p (pos)
  "Non-nil if POS is outside strings and comments."
  (let ((ppss (save-excursion (syntax-ppss pos))))
    (not (or (nth 3 ppss) (nth 4 ppss)))))

(defun fnd--syntax-propertize (start end)
  "A string never spans a line: end unterminated strings at the line's end.
Scans the quotes between START and END; a backslash outside strings is
punctuation."
  (remove-text-properties start end '(fnd-unterminated nil))
  (goto-char start)
  (while (re-search-forward "[\"\\]" end t)
    (let ((open (match-beginning 0)))
      (when (and (eq (char-after open) ?\\) (fnd--in-code-p open))
        ;; A backslash outside strings escapes nothing (the lexer rejects it).
        (put-text-property open (1+ open) 'syntax-table (string-to-syntax ".")))
      (when (and (eq (char-after open) ?\") (fnd--in-code-p open))
        ;; An opening quote: find its closing quote on this line, as the lexer does.
        (let ((closed nil))
          (while (and (not closed) (not (eolp)))
            (cond ((and (eq (char-after) ?\\) (memq (char-after (1+ (point))) '(?\n nil)))
                   ;; A backslash ending the line escapes nothing: the string ends before it.
                   (put-text-property (point) (1+ (point)) 'syntax-table (string-to-syntax "."))
                   (forward-char 1))
                  ((eq (char-after) ?\\) (forward-char 2))
                  ((eq (char-after) ?\") (setq closed t) (forward-char 1))
                  (t (forward-char 1))))
          (unless closed
            (put-text-property open (1+ open) 'syntax-table (string-to-syntax "|"))
            (put-text-property open (1+ open) 'fnd-unterminated t)
            (when (< (point) (point-max))
              (put-text-property (point) (1+ (point)) 'syntax-table (string-to-syntax "|")))))))))

(defun fnd--match-in-string (regexp limit)
  "Search for REGEXP before LIMIT inside (terminated) strings."
  (let (found)
    (while (and (not found) (re-search-forward regexp limit t))
      (let ((ppss (save-excursion (syntax-ppss (match-beginning 0)))))
        (when (and (eq (nth 3 ppss) ?\")
                   (not (get-text-property (nth 8 ppss) 'fnd-unterminated)))
          (setq found t))))
    found))

(defun fnd--match-string-part (limit)
  "Font-lock matcher for the parts of strings before LIMIT.
Scans them as the compiler does: group 1 is an escape (or `{{' `}}'), group 2
an invalid escape, group 3 an `{expr}' interpolation, group 4 an empty `{}' or
a `}' that closes nothing."
  (let (found)
    (while (and (not found) (fnd--match-in-string "\\\\.\\|{{\\|}}\\|[{}]" limit))
      (let ((beg (match-beginning 0)) (text (match-string 0)))
        (cond
         ((eq (aref text 0) ?\\)
          (set-match-data (if (memq (aref text 1) '(?n ?t ?r ?0 ?\\ ?\"))
                              (list beg (point) beg (point))
                            (list beg (point) nil nil beg (point)))))
         ((member text '("{{" "}}"))
          (set-match-data (list beg (point) beg (point))))
         ((equal text "{")
          (let ((depth 1))
            (while (and (> depth 0) (< (point) limit)
                        (not (memq (char-after) '(?\" ?\n))))
              (cond ((eq (char-after) ?{) (setq depth (1+ depth)))
                    ((eq (char-after) ?}) (setq depth (1- depth))))
              (forward-char 1))
            (set-match-data
             (if (string-match-p "\\`{[ \t]*}\\'" (buffer-substring beg (point)))
                 (list beg (point) nil nil nil nil nil nil beg (point))
               (list beg (point) nil nil nil nil beg (point))))))
         (t (set-match-data (list beg (point) nil nil nil nil nil nil beg (point)))))
        (setq found t)))
    found))

(defun fnd--match-bad-char (limit)
  "Font-lock matcher for characters the lexer rejects, before LIMIT.
Strings and comments are not searched."
  (let (found)
    (while (and (not found)
                (re-search-forward "[^][ \t\r\n(){},:;.<>=!+*/%&|^~\"A-Za-z0-9_-]\\|!\\(?:[^=]\\|$\\)" limit t))
      (goto-char (1+ (match-beginning 0)))
      (when (fnd--in-code-p (match-beginning 0))
        (set-match-data (list (match-beginning 0) (1+ (match-beginning 0))))
        (setq found t)))
    found))

(defun fnd--match-unterminated (limit)
  "Font-lock matcher for strings with no closing quote before LIMIT."
  (let ((pos (text-property-any (point) limit 'fnd-unterminated t)))
    (when pos
      (goto-char pos)
      (set-match-data (list pos (line-end-position)))
      (goto-char (line-end-position))
      t)))

(defun fnd--word-face (face)
  "FACE for the keyword just matched, unless it is a plain word there.
That is after a single `.' (`import std.log') or as a message field name
before `:' (`Mail { from: self }')."
  (let ((word (match-string 0)) (end (match-end 0)))
    (save-excursion
      (goto-char (match-beginning 0))
      (cond
       ((and (progn (skip-chars-backward " \t") (eq (char-before) ?.))
             (not (eq (char-before (1- (point))) ?.))
             (member word fnd-after-dot-words))
        nil)
       ((and (progn (forward-comment (- (point))) (memq (char-before) '(?{ ?,)))
             (member word fnd-field-words)
             (save-excursion (goto-char end) (looking-at "[ \t]*:")))
        nil)
       (t face)))))

(defun fnd--unless-keyword (face)
  "FACE, unless group 1 of the last match is a keyword (a name is never one)."
  (unless (member (match-string 1)
                  (append fnd-keywords fnd-types fnd-constants fnd-variables))
    face))

(defun fnd--match-member-role (limit)
  "Font-lock matcher for `role:' starting a line of a society's members block.
That is a block opened by a name at the start of its line, inside a `society'
body.  Searches before LIMIT; group 1 is the role."
  (let (found)
    (while (and (not found)
                (re-search-forward "^[ \t]*\\([a-z_][A-Za-z0-9_]*\\)[ \t]*:" limit t))
      (let* ((ppss (save-match-data (save-excursion (syntax-ppss (match-beginning 1)))))
             (open (nth 1 ppss)))
        (when (and open (not (nth 3 ppss)) (not (nth 4 ppss)) (eq (char-after open) ?{))
          (save-match-data
           (save-excursion
            (goto-char open)
            (when (and (looking-back "^[ \t]*[a-z_][A-Za-z0-9_]*[ \t]*" (line-beginning-position))
                       (nth 1 (syntax-ppss open)))
              (goto-char (nth 1 (syntax-ppss open)))
              (when (looking-back "\\_<@@kw:society@@\\_>[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*"
                                  (line-beginning-position))
                (setq found t))))))))
    found))

(defconst fnd-name-re "[A-Za-z_][A-Za-z0-9_]*"
  "A name, as the lexer's ID and TYPE_NAME.")

(defun fnd--in-cluster-body-p (pos)
  "Non-nil if POS is code directly inside the braces of `cluster NAME { }'."
  (let* ((ppss (save-excursion (syntax-ppss pos)))
         (open (nth 1 ppss)))
    (and open (not (nth 3 ppss)) (not (nth 4 ppss)) (eq (char-after open) ?{)
         (save-excursion
           (goto-char open)
           (looking-back (concat "\\_<@@kw:cluster@@\\_>[ \t]+" fnd-name-re "[ \t\n]*")
                         (line-beginning-position 0))))))

(defun fnd--match-in-cluster (regexp limit)
  "Search for REGEXP before LIMIT where its group 1 is in a cluster body.
The words of a cluster body (`node', `place', `across', the settings) are not
reserved: they are highlighted only there."
  (let (found)
    (while (and (not found) (re-search-forward regexp limit t))
      (when (save-match-data (fnd--in-cluster-body-p (match-beginning 1)))
        (setq found t)))
    found))

(defun fnd--match-cluster-node (limit)
  "Font-lock matcher for `node NAME' before LIMIT (group 1 `node', 2 NAME)."
  (fnd--match-in-cluster
   (concat "\\(?:^\\|;\\)[ \t]*\\_<\\(@@cw:node@@\\)\\_>[ \t]+\\(" fnd-name-re "\\)") limit))

(defun fnd--match-cluster-place (limit)
  "Font-lock matcher for `place PATH ...' before LIMIT (group 1 `place')."
  (fnd--match-in-cluster "\\(?:^\\|;\\)[ \t]*\\_<\\(@@cw:place@@\\)\\_>" limit))

(defun fnd--match-cluster-across (limit)
  "Font-lock matcher for `across [' before LIMIT (group 1 `across')."
  (fnd--match-in-cluster "\\(?:^\\|[^.]\\)\\_<\\(@@cw:across@@\\)[ \t]*\\[" limit))

(defun fnd--match-cluster-setting (limit)
  "Font-lock matcher for cluster settings before LIMIT (group 1 the name)."
  (fnd--match-in-cluster
   (concat "\\(?:^\\|;\\)[ \t]*\\_<\\(" (regexp-opt fnd-cluster-settings) "\\)[ \t]*:") limit))

(defvar fnd-font-lock-keywords
  `(;; Declarations name what follows them.
    (,(concat "\\_<\\(?:@@kw:module@@\\|@@kw:import@@\\)\\_>[ \t]+\\(" fnd-name-re "\\(?:\\." fnd-name-re "\\)*\\)")
     1 (fnd--unless-keyword 'font-lock-constant-face))
    (,(concat "\\_<\\(?:@@kw:message@@\\|@@kw:actor@@\\|@@kw:supervisor@@\\|@@kw:society@@\\|@@kw:main@@\\|@@kw:spawn@@\\|@@kw:cluster@@\\)\\_>[ \t]+\\("
              fnd-name-re "\\)")
     1 (fnd--unless-keyword 'font-lock-type-face))
    (,(concat "\\_<\\(?:@@kw:param@@\\|@@kw:state@@\\|@@kw:child@@\\)\\_>[ \t]+\\(" fnd-name-re "\\)")
     1 (fnd--unless-keyword 'font-lock-variable-name-face))
    ("\\_<@@kw:on@@\\_>[ \t]+\\([a-z_][A-Za-z0-9_]*\\)" 1 (fnd--unless-keyword 'font-lock-function-name-face))
    ;; Cluster items: `node a', `place app.w on a', `place app.s across [a, b]', `security: none'.
    (fnd--match-cluster-node (1 font-lock-keyword-face) (2 font-lock-variable-name-face))
    (fnd--match-cluster-place (1 font-lock-keyword-face))
    (fnd--match-cluster-across (1 font-lock-keyword-face))
    (fnd--match-cluster-setting (1 font-lock-variable-name-face))
    ;; Society members: `role: Actor x 5'.
    (fnd--match-member-role (1 font-lock-variable-name-face))
    ("^[ \t]*[a-z_][A-Za-z0-9_]*[ \t]*:[ \t]*[A-Z][A-Za-z0-9_]*\\(?:([^)\n]*)\\)?[ \t]+\\(x\\)[ \t]+[0-9]"
     1 font-lock-builtin-face)
    (,(regexp-opt fnd-keywords 'symbols) 0 (fnd--word-face 'font-lock-keyword-face))
    (,(regexp-opt fnd-types 'symbols) 0 (fnd--word-face 'font-lock-type-face))
    (,(regexp-opt fnd-constants 'symbols) 0 (fnd--word-face 'font-lock-constant-face))
    (,(regexp-opt fnd-variables 'symbols) 0 (fnd--word-face 'font-lock-builtin-face))
    (,(concat (regexp-opt fnd-builtins 'symbols) "[ \t]*(") 1 font-lock-builtin-face)
    ;; Numbers, as the FLOAT, INT (hex) and DURATION lexer rules.
    ("\\_<[0-9][0-9_]*\\(?:\\.[0-9][0-9_]*\\(?:[eE][+-]?[0-9][0-9_]*\\)?\\|[eE][+-]?[0-9][0-9_]*\\)"
     . 'fnd-number-face)
    ("\\_<0x[0-9a-fA-F][0-9a-fA-F_]*" . 'fnd-number-face)
    (,(concat "\\_<[0-9][0-9_]*" (regexp-opt fnd-duration-units)) . 'fnd-number-face)
    ("\\_<[0-9][0-9_]*" . 'fnd-number-face)
    ;; Capitalised names are messages, actors and other types.
    ("\\_<[A-Z][A-Za-z0-9_]*\\_>" . font-lock-type-face)
    ("\\_<\\([a-z_][A-Za-z0-9_]*\\)[ \t]*(" 1 font-lock-function-name-face)
    ;; Inside strings.
    (fnd--match-string-part (1 'fnd-escape-face t t) (2 'fnd-error-face t t)
                            (3 'fnd-interpolation-face t t) (4 'fnd-error-face t t))
    (fnd--match-unterminated 0 'fnd-error-face t)
    (fnd--match-bad-char 0 'fnd-error-face t))
  "Font-lock rules for `fnd-mode'.")

(defun fnd--continues-p ()
  "Non-nil if the current line continues a statement.
That is, the line before ends with an operator, or this one starts with `.'."
  (save-excursion
    (back-to-indentation)
    (or (eq (char-after) ?.)
        (progn
          (beginning-of-line)
          (forward-comment (- (point)))
          (and (not (bobp))
               (fnd--in-code-p (1- (point)))
               (looking-back "\\(?:->\\|[-+*/%=<.&|^~]\\|\\_<\\(?:and\\|or\\|not\\)\\)"
                             (line-beginning-position)))))))

(defun fnd-indent-line ()
  "Indent the current line: one `fnd-indent-offset' per open bracket.
A statement continued over lines (the line before ends with an operator, or
this one starts with `.') gets one more level.  Lines inside block comments
keep their indentation."
  (interactive)
  (let* ((ppss (save-excursion (syntax-ppss (line-beginning-position))))
         (open (nth 1 ppss))
         (closer (save-excursion
                   (back-to-indentation)
                   (memq (char-after) '(?} ?\) ?\]))))
         (base (if open
                   (save-excursion (goto-char open) (current-indentation))
                 0))
         (target
          (cond
           ((nth 4 ppss) nil)
           (closer base)
           (t (+ base (if open fnd-indent-offset 0)
                 (if (fnd--continues-p) fnd-indent-offset 0))))))
    (when target
      (let ((offset (- (current-column) (current-indentation))))
        (indent-line-to target)
        (when (> offset 0) (move-to-column (+ target offset)))))))

(defvar fnd-imenu-generic-expression
  `(("Messages" ,(concat "^[ \t]*@@kw:message@@[ \t]+\\(" fnd-name-re "\\)") 1)
    ("Actors" ,(concat "^[ \t]*\\(?:@@kw:extern@@[ \t]+\\)?@@kw:actor@@[ \t]+\\(" fnd-name-re "\\)") 1)
    ("Supervisors" ,(concat "^[ \t]*@@kw:supervisor@@[ \t]+\\(" fnd-name-re "\\)") 1)
    ("Societies" ,(concat "^[ \t]*@@kw:society@@[ \t]+\\(" fnd-name-re "\\)") 1)
    ("Clusters" ,(concat "^[ \t]*@@kw:cluster@@[ \t]+\\(" fnd-name-re "\\)") 1))
  "Index of the declarations of a .fnd file for `imenu'.")

;;;###autoload
(define-derived-mode fnd-mode prog-mode "Fnd"
  "Major mode for Foundation (.fnd) files."
  :syntax-table fnd-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "\\(?://+\\|/\\*+\\)\\s-*")
  (setq-local syntax-propertize-function #'fnd--syntax-propertize)
  (setq-local font-lock-defaults '(fnd-font-lock-keywords))
  (setq-local font-lock-extra-managed-props '(fnd-unterminated))
  (setq-local indent-line-function #'fnd-indent-line)
  (setq-local electric-indent-chars (append '(?} ?\) ?\]) electric-indent-chars))
  (setq-local indent-tabs-mode nil)
  (setq-local imenu-generic-expression fnd-imenu-generic-expression))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.fnd\\'" . fnd-mode))

(provide 'fnd-mode)
;;; fnd-mode.el ends here
