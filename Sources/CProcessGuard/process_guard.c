#define _GNU_SOURCE
#include "process_guard.h"

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static struct termios saved_terminal;
static volatile sig_atomic_t saved_fd = -1;

int tfe_disable_core_dumps(void) {
    struct rlimit none = {0, 0};
    int result = setrlimit(RLIMIT_CORE, &none);
#ifdef __linux__
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) result = -1;
#endif
    return result;
}

void tfe_guard_save_terminal(int fd) {
    if (tcgetattr(fd, &saved_terminal) == 0) saved_fd = fd;
}

void tfe_guard_forget_terminal(void) { saved_fd = -1; }

/* Only async-signal-safe calls from here on: tcsetattr, write, sigaction, raise. */
static void restore_terminal(int full_screen) {
    int fd = saved_fd;
    if (fd < 0) return;
    tcsetattr(fd, TCSANOW, &saved_terminal);
    if (full_screen) {
        /* bracketed paste off, attributes off, cursor shown, alternate screen left */
        static const char reset[] = "\033[?2004l\033[0m\033[?25h\033[?1049l\r\n";
        ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
        (void)ignored;
    } else {
        ssize_t ignored = write(STDOUT_FILENO, "\n", 1);
        (void)ignored;
    }
}

static void die_of(int sig) {
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(sig, &dfl, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

static void on_crash(int sig) {
    restore_terminal(1);
    die_of(sig);
}

void tfe_guard_install_crash_handlers(void) {
    /* SIGQUIT (Ctrl-\) too: it is a request to stop, not a crash, and the Swift runtime's own
       handler would paint its crash screen over ours and wait. Where the tool catches signals
       itself (the wizard, apply), SIGQUIT is handled like SIGTERM before this is reached. */
    static const int signals[] = {SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGQUIT};
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_crash;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);
}

static const int echo_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static struct sigaction previous[4];

static void on_echo_signal(int sig) {
    restore_terminal(0);
    die_of(sig);
}

void tfe_guard_begin_echo_off(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_echo_signal;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < 4; i++) sigaction(echo_signals[i], &action, &previous[i]);
}

void tfe_guard_restore_terminal_now(void) { restore_terminal(0); }

void tfe_guard_end_echo_off(void) {
    for (int i = 0; i < 4; i++) sigaction(echo_signals[i], &previous[i], NULL);
}
