/* output.c — where every file the library writes is made, and where the
 * files a run reads are remembered, so that a run never destroys a user's
 * file:
 *  - no name another user could have planted is ever followed: each output
 *    is created with O_CREAT|O_EXCL|O_NOFOLLOW inside a private staging
 *    folder (mkdtemp, mode 0700) made in its target's folder, written
 *    through that descriptor, and renamed over the target (rename(2)
 *    replaces a link itself, never what it points to);
 *  - a target that is an input of the run (same device and inode), that is
 *    not a regular file (device, FIFO, folder, link), or that is a style or
 *    sidecar libhotspot did not write (no "libhotspot" mark in its first
 *    bytes) is refused, the last unless overwrite is set;
 *  - a replaced file keeps its mode; private outputs (rejects) are 0600;
 *  - the files of one job appear together or not at all: between
 *    hs_ctx_outputs_begin and _commit, finished files wait in their staging
 *    folders and are renamed into place only at the commit, after every
 *    target has been checked again; abort, an error or hs_ctx_destroy
 *    removes them and the staging folders. Outside a job each file is
 *    renamed into place as soon as it is complete. */
#include "core.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct stagedir {
    char *dir;   /* the targets' folder, as given ("." when none) */
    char *stage; /* dir/.hotspot-XXXXXX, ours, 0700 */
} stagedir;

typedef struct staged {
    char *tmp, *target;
    size_t dir; /* index in stagedirs */
    bool done;  /* complete: waits for the job's commit */
    bool ready; /* a slot in use */
} staged;

typedef struct inode {
    dev_t dev;
    ino_t ino;
} inode;

struct hs__outputs {
    stagedir *dirs;
    size_t ndirs, capdirs;
    staged *files;
    size_t nfiles, capfiles;
    inode *inputs;
    size_t ninputs, capinputs;
    bool job, overwrite;
};

static hs__outputs *outs(hs_ctx *ctx) {
    if (!ctx->out) ctx->out = hs__calloc(ctx, 1, sizeof *ctx->out);
    return ctx->out;
}

static char *dir_of(const hs_ctx *ctx, const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return hs__strdup(ctx, ".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = hs__malloc(ctx, n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = 0;
    }
    return d;
}

static const char *base_of(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- inputs ---------------------------------------------------------------- */

static hs_status note_stat(hs_ctx *ctx, const struct stat *sb) {
    hs__outputs *o = outs(ctx);
    if (!o) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->ninputs; i++)
        if (o->inputs[i].dev == sb->st_dev && o->inputs[i].ino == sb->st_ino) return HS_OK;
    if (!hs__grow(ctx, (void **)&o->inputs, &o->capinputs, o->ninputs + 1, sizeof *o->inputs))
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    o->inputs[o->ninputs++] = (inode){sb->st_dev, sb->st_ino};
    return HS_OK;
}

hs_status hs__input_note_fd(hs_ctx *ctx, int fd) {
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) return HS_OK;
    return note_stat(ctx, &sb);
}

hs_status hs__input_note_path(hs_ctx *ctx, const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return HS_OK; /* nothing to protect */
    return note_stat(ctx, &sb);
}

hs_status hs_ctx_add_input(hs_ctx *ctx, const char *path) {
    if (!ctx || !path) return HS_EINVAL;
    return hs__input_note_path(ctx, path);
}

static bool is_input(const hs_ctx *ctx, const struct stat *sb) {
    const hs__outputs *o = ctx->out;
    for (size_t i = 0; o && i < o->ninputs; i++)
        if (o->inputs[i].dev == sb->st_dev && o->inputs[i].ino == sb->st_ino) return true;
    return false;
}

/* ---- checks ---------------------------------------------------------------- */

/* A style or sidecar we wrote carries the word "libhotspot" near its top. */
static bool ours(const char *path) {
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return false;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return false;
    for (ssize_t i = 0; i + 10 <= n; i++) /* memmem is not in C11 or POSIX 2008 */
        if (memcmp(buf + i, "libhotspot", 10) == 0) return true;
    return false;
}

/* Whether target may be written; *mode: the mode to give the new file. */
static hs_status check_target(hs_ctx *ctx, const char *target, unsigned flags, mode_t *mode) {
    mode_t um = umask(0);
    umask(um);
    *mode = (flags & HS__OUT_PRIVATE ? 0600 : 0666) & ~um;
    struct stat sb;
    if (lstat(target, &sb) != 0) {
        if (errno == ENOENT) return HS_OK;
        return hs__error(ctx, HS_EIO, "%s: cannot write: %s", target, strerror(errno));
    }
    if (S_ISLNK(sb.st_mode))
        return hs__error(ctx, HS_EIO,
                         "%s: is a symbolic link; refusing to replace it (name the file itself)",
                         target);
    if (S_ISDIR(sb.st_mode)) return hs__error(ctx, HS_EIO, "%s: is a folder", target);
    if (!S_ISREG(sb.st_mode))
        return hs__error(ctx, HS_EIO, "%s: is not a regular file; refusing to replace it", target);
    if (is_input(ctx, &sb))
        return hs__error(ctx, HS_EIO,
                         "%s: is an input of this run; refusing to write over it (choose "
                         "another output name)",
                         target);
    if ((flags & HS__OUT_SIDECAR) && !(ctx->out && ctx->out->overwrite) && !ours(target))
        return hs__error(ctx, HS_EIO,
                         "%s: exists and was not written by hotspot; refusing to replace it "
                         "(move it, or use --overwrite)",
                         target);
    *mode = sb.st_mode & 07777;
    return HS_OK;
}

hs_status hs__output_check(hs_ctx *ctx, const char *target, unsigned flags) {
    mode_t mode;
    hs_status st = check_target(ctx, target, flags, &mode);
    if (st) return st;
    char *dir = dir_of(ctx, target);
    if (!dir) return hs__error(ctx, HS_ENOMEM, "out of memory");
    struct stat sb;
    if (stat(dir, &sb) != 0)
        st = hs__error(ctx, HS_EIO, "%s: cannot write into %s: %s", target, dir, strerror(errno));
    else if (!S_ISDIR(sb.st_mode))
        st = hs__error(ctx, HS_EIO, "%s: %s is not a folder", target, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        st = hs__error(ctx, HS_EIO, "%s: cannot write into %s: %s", target, dir, strerror(errno));
    free(dir);
    return st;
}

hs_status hs_ctx_output_check(hs_ctx *ctx, const char *path) {
    if (!ctx || !path) return HS_EINVAL;
    return hs__output_check(ctx, path, 0);
}

/* ---- staging --------------------------------------------------------------- */

static hs_status stage_for(hs_ctx *ctx, const char *target, size_t *idx) {
    hs__outputs *o = ctx->out;
    char *dir = dir_of(ctx, target);
    if (!dir) return hs__error(ctx, HS_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->ndirs; i++)
        if (o->dirs[i].stage && strcmp(o->dirs[i].dir, dir) == 0) {
            free(dir);
            *idx = i;
            return HS_OK;
        }
    size_t slot = o->ndirs;
    for (size_t i = 0; i < o->ndirs; i++)
        if (!o->dirs[i].stage) {
            slot = i;
            break;
        }
    size_t n = strlen(dir);
    char *stage = hs__malloc(ctx, n + 20);
    if (!stage || (slot == o->ndirs &&
                   !hs__grow(ctx, (void **)&o->dirs, &o->capdirs, o->ndirs + 1, sizeof *o->dirs))) {
        free(dir);
        free(stage);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    memcpy(stage, dir, n);
    memcpy(stage + n, "/.hotspot-XXXXXX", 17);
    if (!mkdtemp(stage)) {
        int e = errno;
        hs_status st = hs__error(ctx, HS_EIO, "%s: cannot create: %s", target, strerror(e));
        free(dir);
        free(stage);
        return st;
    }
    o->dirs[slot] = (stagedir){dir, stage};
    if (slot == o->ndirs) o->ndirs++;
    *idx = slot;
    return HS_OK;
}

/* Removes a staging folder once no file waits in it. */
static void stage_release(hs__outputs *o, size_t d) {
    for (size_t i = 0; i < o->nfiles; i++)
        if (o->files[i].ready && o->files[i].dir == d) return;
    if (!o->dirs[d].stage) return;
    rmdir(o->dirs[d].stage);
    free(o->dirs[d].stage);
    free(o->dirs[d].dir);
    o->dirs[d].stage = o->dirs[d].dir = NULL;
}

static void drop(hs__outputs *o, size_t id, bool remove_file) {
    staged *s = &o->files[id];
    if (!s->ready) return;
    if (remove_file) unlink(s->tmp);
    free(s->tmp);
    free(s->target);
    s->ready = false;
    s->tmp = s->target = NULL;
    stage_release(o, s->dir);
}

hs_status hs__output_create(hs_ctx *ctx, const char *target, unsigned flags, int *fd_out,
                            size_t *id_out) {
    *fd_out = -1;
    hs__outputs *o = outs(ctx);
    if (!o) return hs__error(ctx, HS_ENOMEM, "out of memory");
    mode_t mode;
    hs_status st = check_target(ctx, target, flags, &mode);
    if (st) return st;
    /* The same target twice in one job: the later file wins. */
    for (size_t i = 0; i < o->nfiles; i++)
        if (o->files[i].ready && strcmp(o->files[i].target, target) == 0) drop(o, i, true);
    size_t d = 0;
    if ((st = stage_for(ctx, target, &d))) return st;
    size_t id = o->nfiles;
    for (size_t i = 0; i < o->nfiles; i++)
        if (!o->files[i].ready) {
            id = i;
            break;
        }
    if (id == o->nfiles &&
        !hs__grow(ctx, (void **)&o->files, &o->capfiles, o->nfiles + 1, sizeof *o->files)) {
        stage_release(o, d);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    const char *base = base_of(target), *stage = o->dirs[d].stage;
    size_t ns = strlen(stage), nb = strlen(base);
    char *tmp = hs__malloc(ctx, ns + nb + 2), *tg = hs__strdup(ctx, target);
    if (!tmp || !tg) {
        free(tmp);
        free(tg);
        stage_release(o, d);
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    }
    memcpy(tmp, stage, ns);
    tmp[ns] = '/';
    memcpy(tmp + ns + 1, base, nb + 1);
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        free(tg);
        stage_release(o, d);
        return hs__error(ctx, HS_EIO, "%s: cannot create: %s", target, strerror(e));
    }
    fchmod(fd, mode); /* exactly the old file's mode, whatever the umask */
    if (id == o->nfiles) o->nfiles++;
    o->files[id] = (staged){tmp, tg, d, false, true};
    *fd_out = fd;
    *id_out = id;
    return HS_OK;
}

const char *hs__output_tmp(const hs_ctx *ctx, size_t id) {
    return ctx->out->files[id].tmp;
}

const char *hs__output_current(const hs_ctx *ctx, const char *target) {
    const hs__outputs *o = ctx->out;
    for (size_t i = 0; o && i < o->nfiles; i++)
        if (o->files[i].ready && o->files[i].done && strcmp(o->files[i].target, target) == 0)
            return o->files[i].tmp;
    return target;
}

static hs_status publish(hs_ctx *ctx, size_t id) {
    hs__outputs *o = ctx->out;
    staged *s = &o->files[id];
    mode_t mode;
    hs_status st = check_target(ctx, s->target, 0, &mode);
    if (!st && rename(s->tmp, s->target) != 0)
        st = hs__error(ctx, HS_EIO, "%s: cannot rename into place: %s", s->target, strerror(errno));
    drop(o, id, st != HS_OK);
    return st;
}

hs_status hs__output_finish(hs_ctx *ctx, size_t id, bool ok) {
    hs__outputs *o = ctx->out;
    if (!ok) {
        drop(o, id, true);
        return HS_OK;
    }
    o->files[id].done = true;
    return o->job ? HS_OK : publish(ctx, id);
}

/* ---- jobs ------------------------------------------------------------------ */

hs_status hs_ctx_outputs_begin(hs_ctx *ctx) {
    if (!ctx) return HS_EINVAL;
    hs__outputs *o = outs(ctx);
    if (!o) return hs__error(ctx, HS_ENOMEM, "out of memory");
    hs_ctx_outputs_abort(ctx);
    o->job = true;
    return HS_OK;
}

void hs_ctx_outputs_abort(hs_ctx *ctx) {
    hs__outputs *o = ctx ? ctx->out : NULL;
    if (!o) return;
    for (size_t i = 0; i < o->nfiles; i++)
        drop(o, i, true);
    o->nfiles = 0;
    o->job = false;
}

hs_status hs_ctx_outputs_commit(hs_ctx *ctx) {
    if (!ctx) return HS_EINVAL;
    hs__outputs *o = ctx->out;
    if (!o) return HS_OK;
    /* Every target is checked again before the first is replaced, so a
     * problem found now leaves every target as it was. */
    hs_status st = HS_OK;
    for (size_t i = 0; i < o->nfiles && !st; i++) {
        mode_t mode;
        if (o->files[i].ready && !o->files[i].done)
            st = hs__error(ctx, HS_EINVAL, "%s: still open at the commit", o->files[i].target);
        else if (o->files[i].ready)
            st = check_target(ctx, o->files[i].target, 0, &mode);
    }
    if (st) {
        hs_ctx_outputs_abort(ctx);
        return st;
    }
    for (size_t i = 0; i < o->nfiles; i++)
        if (o->files[i].ready) {
            hs_status s = publish(ctx, i);
            if (!st) st = s;
        }
    o->nfiles = 0;
    o->job = false;
    return st;
}

hs_status hs_ctx_set_overwrite(hs_ctx *ctx, int overwrite) {
    if (!ctx) return HS_EINVAL;
    hs__outputs *o = outs(ctx);
    if (!o) return hs__error(ctx, HS_ENOMEM, "out of memory");
    o->overwrite = overwrite != 0;
    return HS_OK;
}

void hs__outputs_free(hs_ctx *ctx) {
    hs__outputs *o = ctx->out;
    if (!o) return;
    hs_ctx_outputs_abort(ctx);
    for (size_t i = 0; i < o->ndirs; i++) {
        if (o->dirs[i].stage) rmdir(o->dirs[i].stage);
        free(o->dirs[i].stage);
        free(o->dirs[i].dir);
    }
    free(o->dirs);
    free(o->files);
    free(o->inputs);
    free(o);
    ctx->out = NULL;
}

/* Replaces path's extension by ext (owned). */
char *hs__path_with_ext(const hs_ctx *ctx, const char *path, const char *ext) {
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    char *p = hs__malloc(ctx, n + strlen(ext) + 1);
    if (p) {
        memcpy(p, path, n);
        strcpy(p + n, ext);
    }
    return p;
}
