// The C shim for ncursesw: Swift 6 cannot use ncurses' macros and mutable globals directly,
// so each one it needs is wrapped in a static inline function here.
#ifndef TFE_SETUP_CNCURSES_SHIM_H
#define TFE_SETUP_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <stdio.h>
#include <ncursesw/curses.h>

static inline WINDOW *tfe_stdscr(void) { return stdscr; }
static inline int tfe_lines(void) { return LINES; }
static inline int tfe_cols(void) { return COLS; }
static inline int tfe_err(void) { return ERR; }
static inline int tfe_key_code_yes(void) { return KEY_CODE_YES; }

static inline attr_t tfe_a_normal(void) { return A_NORMAL; }
static inline attr_t tfe_a_bold(void) { return A_BOLD; }
static inline attr_t tfe_a_dim(void) { return A_DIM; }
static inline attr_t tfe_a_reverse(void) { return A_REVERSE; }
static inline attr_t tfe_a_underline(void) { return A_UNDERLINE; }
static inline attr_t tfe_color_pair(int n) { return COLOR_PAIR(n); }

static inline int tfe_key_f(int n) { return KEY_F(n); }
static inline int tfe_key_up(void) { return KEY_UP; }
static inline int tfe_key_down(void) { return KEY_DOWN; }
static inline int tfe_key_left(void) { return KEY_LEFT; }
static inline int tfe_key_right(void) { return KEY_RIGHT; }
static inline int tfe_key_home(void) { return KEY_HOME; }
static inline int tfe_key_end(void) { return KEY_END; }
/* xterm's terminfo names ESC[1~ and ESC[4~ (what tmux sends for Home and End) Find and Select;
   the keypad's upper-left and lower-left keys are Home and End too. */
static inline int tfe_key_find(void) { return KEY_FIND; }
static inline int tfe_key_select(void) { return KEY_SELECT; }
static inline int tfe_key_a1(void) { return KEY_A1; }
static inline int tfe_key_c1(void) { return KEY_C1; }
static inline int tfe_key_backspace(void) { return KEY_BACKSPACE; }
static inline int tfe_key_dc(void) { return KEY_DC; }
static inline int tfe_key_btab(void) { return KEY_BTAB; }
static inline int tfe_key_enter(void) { return KEY_ENTER; }
static inline int tfe_key_resize(void) { return KEY_RESIZE; }
static inline int tfe_key_npage(void) { return KEY_NPAGE; }
static inline int tfe_key_ppage(void) { return KEY_PPAGE; }

/// Draws `len` wide characters at (y, x) with attributes and a color pair (0 = the terminal's
/// colors), without the variadic printw family. wattr_set takes the pair apart from the attributes.
static inline int tfe_put(WINDOW *w, int y, int x, const wchar_t *text, int len, attr_t attrs, short pair) {
    wattr_set(w, attrs, pair, NULL);
    int rc = mvwaddnwstr(w, y, x, text, len);
    wattr_set(w, A_NORMAL, 0, NULL);
    return rc;
}

/// Reads one key: returns KEY_CODE_YES for a function key, OK for a character, ERR on timeout.
static inline int tfe_get_wch(WINDOW *w, wint_t *out) { return wget_wch(w, out); }
static inline int tfe_unget_wch(wchar_t c) { return unget_wch(c); }
static inline int tfe_ungetch(int c) { return ungetch(c); }

static inline void tfe_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }

/// Turns on xterm's bracketed paste, so pasted text arrives marked and is not taken as keys.
static inline void tfe_bracketed_paste(int on) {
    fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
    fflush(stdout);
}

// Last: term.h defines many short macros (lines, columns, …) that must not reach the code above.
#include <ncursesw/term.h>

/// 1 when this machine's terminfo describes terminal type `name`. Unlike initscr, which exits the
/// process on an unknown type, setupterm with an error pointer reports; the entry is freed again
/// (initscr loads its own).
static inline int tfe_terminal_known(const char *name) {
    int error = 0;
    if (setupterm(name, 1, &error) != OK) return 0;
    del_curterm(set_curterm(NULL));
    return 1;
}

#endif
