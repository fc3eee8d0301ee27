/* parallel.c — a fork-join of a few threads for the library's data-parallel
 * passes (a sort's gather, a raster's conversion, a file's strips).
 *
 * Each part is a fixed share of the work decided by the caller from the
 * part's number alone, never by which thread finishes first, so results
 * do not depend on scheduling. A part whose thread cannot be started runs
 * on the calling thread: fewer threads, the same result. */
#include "core.h"

#include <pthread.h>

typedef struct part {
    void (*fn)(void *arg, int part, int nparts);
    void *arg;
    int part, nparts;
} part;

static void *part_run(void *p) {
    part *a = p;
    a->fn(a->arg, a->part, a->nparts);
    return NULL;
}

void hs__parallel(int nparts, void (*fn)(void *arg, int part, int nparts), void *arg) {
    if (nparts < 1) nparts = 1;
    if (nparts > HS__MAX_THREADS) nparts = HS__MAX_THREADS;
    part parts[HS__MAX_THREADS];
    pthread_t tid[HS__MAX_THREADS];
    bool started[HS__MAX_THREADS] = {false};
    for (int k = 0; k < nparts; k++)
        parts[k] = (part){fn, arg, k, nparts};
    for (int k = 1; k < nparts; k++)
        started[k] = pthread_create(&tid[k], NULL, part_run, &parts[k]) == 0;
    part_run(&parts[0]);
    for (int k = 1; k < nparts; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            part_run(&parts[k]);
    }
}
