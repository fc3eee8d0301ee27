/* mapfile.c — input files mapped for reading, guarded against SIGBUS.
 * A mapped file that shrinks while it is read (another program truncates
 * or rewrites it) makes the next touch of a page past its new end raise
 * SIGBUS, which kills the process. While a mapping is registered here, a
 * process-wide SIGBUS handler (installed once, chaining to the one before
 * it for any other address) puts a zero page over the faulting page of a
 * registered range and flags the range; the reader then finishes on zeros
 * and its caller refuses the whole file with a clear message. */
#include "core.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLOTS 64

static struct {
    _Atomic uintptr_t lo, hi; /* [lo, hi) of a registered mapping; lo 0: free */
    atomic_int hit;
} slot[SLOTS];

static struct sigaction previous;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void on_sigbus(int sig, siginfo_t *si, void *uc) {
    uintptr_t a = (uintptr_t)si->si_addr;
    for (int i = 0; i < SLOTS; i++) {
        uintptr_t lo = atomic_load(&slot[i].lo), hi = atomic_load(&slot[i].hi);
        if (lo && a >= lo && a < hi) {
            uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), p = a & ~(pg - 1);
            /* mmap is a plain system call: safe here in practice (Linux). */
            if (mmap((void *)p, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
                MAP_FAILED) {
                atomic_store(&slot[i].hit, 1);
                return; /* the load is retried and reads zeros */
            }
        }
    }
    if (previous.sa_flags & SA_SIGINFO) {
        if (previous.sa_sigaction) previous.sa_sigaction(sig, si, uc);
        return;
    }
    if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN && previous.sa_handler) {
        previous.sa_handler(sig);
        return;
    }
    signal(SIGBUS, SIG_DFL); /* the fault repeats and ends the process as before */
}

static void install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &previous);
}

hs_status hs__map_open(hs_ctx *ctx, const char *path, int fd, size_t len, hs__map *m) {
    memset(m, 0, sizeof *m);
    m->slot = -1;
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return hs__error(ctx, HS_EIO, "%s: cannot map: %s", path, strerror(errno));
    m->data = p;
    m->len = len;
    pthread_once(&once, install);
    for (int i = 0; i < SLOTS; i++) {
        uintptr_t free_ = 0;
        if (atomic_compare_exchange_strong(&slot[i].lo, &free_, (uintptr_t)p)) {
            atomic_store(&slot[i].hit, 0);
            atomic_store(&slot[i].hi, (uintptr_t)p + len);
            m->slot = i;
            break;
        }
    }
    return HS_OK;
}

bool hs__map_close(hs__map *m) {
    bool shrank = false;
    if (m->slot >= 0) {
        shrank = atomic_load(&slot[m->slot].hit) != 0;
        atomic_store(&slot[m->slot].hi, 0);
        atomic_store(&slot[m->slot].lo, 0);
    }
    if (m->data) munmap((void *)m->data, m->len);
    memset(m, 0, sizeof *m);
    m->slot = -1;
    return shrank;
}
