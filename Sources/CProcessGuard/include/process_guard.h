#ifndef TFE_PROCESS_GUARD_H
#define TFE_PROCESS_GUARD_H

/// Process-wide safety that must be async-signal-safe, so it is written in C.

/// No core dump: a dump of this process would hold the API token and the SMTP password.
/// Sets RLIMIT_CORE to 0 and, on Linux, PR_SET_DUMPABLE to 0. Returns 0 when both worked.
int tfe_disable_core_dumps(void);

/// Remembers the terminal settings of `fd` as they are now (before raw mode or echo off), so the
/// handlers below can put them back.
void tfe_guard_save_terminal(int fd);

/// Forgets the saved settings (the terminal was restored normally).
void tfe_guard_forget_terminal(void);

/// On a crash (SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT): put the saved terminal
/// settings back, leave the alternate screen, show the cursor, turn bracketed paste off, then
/// die of the same signal. Installed once at start.
void tfe_guard_install_crash_handlers(void);

/// While echo is off for a password prompt: SIGINT, SIGTERM and SIGHUP put the saved terminal
/// settings back, end the line, and then end the process as the signal would (exit status
/// 128+signal). `tfe_guard_end_echo_off` puts the previous handlers back.
void tfe_guard_begin_echo_off(void);
void tfe_guard_end_echo_off(void);

/// Puts back the terminal saved by `tfe_guard_save_terminal` (echo on after a hidden prompt), if
/// any: for a front end that ends the process itself on a signal it caught.
void tfe_guard_restore_terminal_now(void);

#endif
