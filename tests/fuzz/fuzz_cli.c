/* fuzz_cli.c — libFuzzer target for the command line: the bytes, split at
 * NUL into arguments, go to hs_cli_run (the whole tool, as `main` runs it)
 * with output to /dev/null. It runs in a fresh empty folder so any output
 * names are harmless; inputs named by the bytes rarely exist, so this
 * mostly exercises option parsing and usage errors. Bytes after a 0x01
 * become the file c.conf (the report's --config). Exit codes must be the
 * documented ones. */
#include "cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!sink) {
        char dir[] = "/tmp/hs_fuzz_cli.XXXXXX";
        if (!mkdtemp(dir) || chdir(dir) != 0) return 0;
        sink = fopen("/dev/null", "w");
        if (!sink) return 0;
    }
    if (size > 4096) return 0;
    char *buf = malloc(size + 1);
    char *argv[66];
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = 0;
    /* Bytes after a 0x01 are the contents of c.conf (for --config c.conf):
     * the report's settings file is an input parser too. */
    char *conf = memchr(buf, 1, size);
    FILE *cf = fopen("c.conf", "wb");
    if (cf) {
        if (conf) fwrite(conf + 1, 1, size - (size_t)(conf + 1 - buf), cf);
        fclose(cf);
    }
    if (conf) {
        *conf = 0;
        size = (size_t)(conf - buf);
    }
    int argc = 0;
    argv[argc++] = "hotspot";
    for (size_t i = 0; i <= size && argc < 64;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    /* Device and kernel files never end or block (/dev/zero, /dev/stdin). */
    for (int i = 1; i < argc; i++)
        if (strstr(argv[i], "/dev") || strstr(argv[i], "/proc") || strstr(argv[i], "/sys")) {
            free(buf);
            return 0;
        }
    int rc = hs_cli_run(argc, argv, sink, sink);
    if (rc < 0 || rc > 3) abort();
    free(buf);
    return 0;
}

#ifndef HS_LIBFUZZER
static void fuzz_teardown(void) {
    if (sink) fclose(sink);
    sink = NULL;
}
#include "replay.h"
int main(int argc, char **argv) {
    return replay_main("fuzz_cli", argc, argv);
}
#endif
