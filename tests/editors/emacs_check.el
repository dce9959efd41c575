;;; emacs_check.el --- run by test_emacs.sh  -*- lexical-binding: t; -*-
;; emacs --batch -Q -L editors/emacs -l tests/editors/emacs_check.el FILES
;; For each file: visiting it selects fnd-mode (auto-mode-alist); fontify the whole buffer and
;; dump the faces of every character (for check_tokens.py); re-indent the whole buffer and dump
;; its lines (for check_indent.py); list its imenu index. $FND_SYNTAX_DUMP, $FND_INDENT_DUMP and
;; $FND_IMENU_DUMP name the JSON outputs.
;; Any error, or a file not in fnd-mode, makes Emacs exit with status 1.
(require 'json)
;; Leave no lock, backup or auto-save files next to the sources.
(setq create-lockfiles nil make-backup-files nil auto-save-default nil)
(require 'fnd-mode)
(require 'imenu)

(defun fnd-check--faces (pos)
  (let ((f (get-text-property pos 'face)))
    (mapconcat #'symbol-name (if (listp f) f (list f)) " ")))

(let ((syntax '()) (indent '()) (index '()) (errors '()))
  (dolist (file command-line-args-left)
    (condition-case err
        (let ((buf (find-file-noselect file)))
          (with-current-buffer buf
            (unless (eq major-mode 'fnd-mode)
              (error "major mode is %s, not fnd-mode" major-mode))
            (unless (equal comment-start "// ")
              (error "comment-start is %S" comment-start))
            (font-lock-ensure (point-min) (point-max))
            (let ((lines '()))
              (goto-char (point-min))
              (while (not (eobp))
                (let ((eol (line-end-position)) (labels '()))
                  (if (> (- eol (point)) 1000)
                      (push nil lines) ; very long lines are not checked (null)
                    (while (< (point) eol)
                      (push (fnd-check--faces (point)) labels)
                      (forward-char 1))
                    (push (vconcat (nreverse labels)) lines)))
                (forward-line 1))
              (push (cons file (vconcat (nreverse lines))) syntax))
            (push (cons file (vconcat (mapcan (lambda (group) (mapcar #'car (cdr group)))
                                              (imenu--generic-function imenu-generic-expression))))
                  index)
            (let ((inhibit-message t))
              (indent-region (point-min) (point-max)))
            (push (cons file (vconcat (split-string (buffer-substring-no-properties (point-min) (point-max))
                                                    "\n")))
                  indent))
          (with-current-buffer buf (set-buffer-modified-p nil))
          (kill-buffer buf))
      (error (push (format "%s: %s" file (error-message-string err)) errors))))
  (setq command-line-args-left nil)
  (let ((json-encoding-pretty-print nil))
    (with-temp-file (getenv "FND_SYNTAX_DUMP") (insert (json-encode (nreverse syntax))))
    (with-temp-file (getenv "FND_IMENU_DUMP") (insert (json-encode (nreverse index))))
    (with-temp-file (getenv "FND_INDENT_DUMP")
      ;; A file ending in a newline splits into a last empty line; drop it like check_indent does.
      (insert (json-encode
               (mapcar (lambda (e)
                         (let ((v (cdr e)))
                           (cons (car e) (if (and (> (length v) 0) (equal (aref v (1- (length v))) ""))
                                             (seq-subseq v 0 (1- (length v)))
                                           v))))
                       (nreverse indent))))))
  (when errors
    (dolist (e (nreverse errors)) (message "FAIL: %s" e))
    (kill-emacs 1))
  (kill-emacs 0))
