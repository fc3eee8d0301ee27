/* replay.h — the main() of a fuzz target built without libFuzzer: runs
 * every file of the folders given (ctest replays the corpus with it). */
#ifndef HS_FUZZ_REPLAY_H
#define HS_FUZZ_REPLAY_H
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Defined by the target: frees what it keeps between inputs. */
static void fuzz_teardown(void);

static int replay_main(const char *name, int argc, char **argv) {
    int files = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            fprintf(stderr, "%s: %s: cannot open folder\n", name, argv[i]);
            return 2;
        }
        for (struct dirent *e; (e = readdir(d));) {
            if (e->d_name[0] == '.') continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            FILE *f = fopen(path, "rb");
            if (!f) continue;
            fseek(f, 0, SEEK_END);
            long n = ftell(f);
            fseek(f, 0, SEEK_SET);
            uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
            if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n)
                LLVMFuzzerTestOneInput(buf, (size_t)n);
            free(buf);
            fclose(f);
            files++;
        }
        closedir(d);
    }
    fuzz_teardown();
    printf("%s: replayed %d inputs, %d passed, 0 failed\n", name, files, files);
    return 0;
}
/* The target's main for replays: frees its context after the corpus. */
#define HS_FUZZ_REPLAY_MAIN(name, ctxvar)                                                          \
    static void fuzz_teardown(void) {                                                              \
        hs_ctx_destroy(ctxvar);                                                                    \
        ctxvar = NULL;                                                                             \
    }                                                                                              \
    int main(int argc, char **argv) {                                                              \
        return replay_main(name, argc, argv);                                                      \
    }
#endif
