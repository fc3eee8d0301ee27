#include "cli.h"
int main(int argc, char **argv) {
    return hs_cli_run(argc, argv, stdout, stderr);
}
