/* settings_file.c — a job's settings from a file of "name = value" lines
 * (hotspot report --config): a bare name or "name = yes" turns a switch
 * on; "input = FILE" adds an input; settings set after it win. */
#include "jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* The text of a settings file: a regular file of at most 1 MB (not
 * /dev/zero or a pipe, which would never end) without NUL bytes. */
static hs_status slurp_settings(hs_ctx *ctx, const char *path, char **out) {
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb) != 0) {
        if (f) fclose(f);
        return hs__error(ctx, HS_EIO, "%s: %s", path, strerror(errno));
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > (1 << 20)) {
        fclose(f);
        return hs__error(ctx, HS_EINVAL, "%s: %s", path,
                         S_ISREG(sb.st_mode)
                             ? "larger than 1 MB: not a settings file"
                             : "not a regular file (settings are read from a file)");
    }
    char *text = hs__malloc(ctx, (size_t)sb.st_size + 1);
    size_t n = text ? fread(text, 1, (size_t)sb.st_size, f) : 0;
    fclose(f);
    if (!text) return hs__error(ctx, HS_ENOMEM, "out of memory");
    text[n] = 0;
    if (strlen(text) != n) {
        free(text);
        return hs__error(ctx, HS_EINVAL, "%s: holds a NUL byte: not a settings file", path);
    }
    *out = text;
    return HS_OK;
}

/* One "name = value" line (trimmed, not a comment), applied. */
static hs_status settings_line(hs_ctx *ctx, hs_job *job, const char *path, unsigned long ln,
                               char *s) {
    char *eq = strchr(s, '='), *val = NULL;
    if (eq) {
        val = eq + 1;
        while (*val == ' ' || *val == '\t')
            val++;
        char *k = eq;
        while (k > s && (k[-1] == ' ' || k[-1] == '\t'))
            k--;
        *k = 0;
    }
    if (strcmp(s, "input") == 0) {
        if (!val || !*val) return hs__error(ctx, HS_EINVAL, "%s:%lu: input needs a file", path, ln);
        return hs_job_add_input(ctx, job, val);
    }
    hs_setting d = {0};
    for (size_t i = 0; i < hs_setting_count() && !d.name; i++)
        if (hs_setting_get(i, &d) == HS_OK &&
            (!(d.commands & (1u << job->cmd)) || strcmp(d.name, s)))
            d.name = NULL;
    if (!d.name)
        return hs__error(ctx, HS_EINVAL,
                         "%s:%lu: unknown setting '%s' (settings are the long options of "
                         "'hotspot %s --help', without --)",
                         path, ln, s, hs_command_name(job->cmd));
    if (!d.value && val && *val) {
        bool on = !strcasecmp(val, "yes") || !strcasecmp(val, "true") || !strcasecmp(val, "on") ||
                  !strcmp(val, "1");
        if (!on && strcasecmp(val, "no") && strcasecmp(val, "false") && strcasecmp(val, "off") &&
            strcmp(val, "0"))
            return hs__error(ctx, HS_EINVAL, "%s:%lu: %s is a switch: yes or no, not '%s'", path,
                             ln, s, val);
        if (!on) return HS_OK;
    }
    if (d.value && (!val || !*val))
        return hs__error(ctx, HS_EINVAL, "%s:%lu: %s needs a value (%s)", path, ln, s, d.value);
    hs_status st = hs_job_set(ctx, job, s, d.value ? val : NULL);
    if (st == HS_EINVAL) { /* the line, then why */
        char why[HS__ERRLEN];
        snprintf(why, sizeof why, "%s", ctx->err);
        return hs__error(ctx, st, "%s:%lu: %s", path, ln, why);
    }
    return st;
}

hs_status hs_job_read_settings(hs_ctx *ctx, hs_job *job, const char *path) {
    if (!ctx || !job || !path) return HS_EINVAL;
    if (job->settings_file)
        return hs__error(ctx, HS_EINVAL, "settings read twice ('%s' and '%s'): give one file",
                         job->settings_file, path);
    if (!(job->settings_file = hs__job_keep(ctx, job, path)))
        return hs__error(ctx, HS_ENOMEM, "out of memory");
    char *text = NULL;
    hs_status st = slurp_settings(ctx, path, &text);
    char *next = text;
    if (!st && strncmp(next, "\xEF\xBB\xBF", 3) == 0) next += 3; /* stops at the NUL */
    for (unsigned long ln = 1; !st && *next; ln++) {
        char *s = next;
        next += strcspn(next, "\r\n");
        if (*next == '\r' && next[1] == '\n') *next++ = 0;
        if (*next) *next++ = 0;
        while (*s == ' ' || *s == '\t')
            s++;
        char *end = s + strlen(s);
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = 0;
        if (*s && *s != '#') st = settings_line(ctx, job, path, ln, s);
    }
    free(text);
    return st;
}
