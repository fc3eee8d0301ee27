/* cli.h — the hotspot command as a function, so tests can run it in
 * process. Uses only the public header. */
#ifndef HS_CLI_H
#define HS_CLI_H
#include "hotspot.h"

#include <stdio.h>

/* Exit codes, as documented in docs/cli.md. */
enum {
    HS_EXIT_OK = 0,           /* success */
    HS_EXIT_DATA = 1,         /* bad input data, a file that cannot be read or
                                 written, a CRS that cannot be used */
    HS_EXIT_USAGE = 2,        /* bad command line */
    HS_EXIT_NOMEM = 3,        /* out of memory */
    HS_EXIT_INTERRUPTED = 130 /* SIGINT or SIGTERM: stopped, no output left (128 + 2, as shells) */
};

/* A command: the library command it runs and its help texts. */
typedef struct hs_cli_command {
    hs_command cmd;
    const char *summary; /* for 'hotspot --help' */
    const char *usage;   /* for 'hotspot NAME --help', before the options */
} hs_cli_command;

/* The commands (commands.c), in the order of the main help, ended by
 * HS_COMMAND_COUNT_. */
extern const hs_cli_command hs_cli_commands[];

/* Runs the hotspot command: argv as main's; output to out, messages to
 * err. Returns the exit code. */
int hs_cli_run(int argc, char **argv, FILE *out, FILE *err);

#endif
