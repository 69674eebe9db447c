/* sim_dev.c — device files (key=value) and the recorded outputs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_int.h"

#define DATA_FILE_MAX (16u << 20)

static const char *const platform_names[LABSIM_NPLATFORMS] = {
    [LABSIM_IOS] = "cisco_ios",
    [LABSIM_NXOS] = "cisco_nxos",
    [LABSIM_XR] = "cisco_xr",
    [LABSIM_EOS] = "arista_eos",
    [LABSIM_JUNOS] = "juniper_junos",
};

static const struct {
    const char *name;
    unsigned bit;
} fault_names[] = {
    { "slow", LABSIM_F_SLOW },       { "hang", LABSIM_F_HANG },
    { "drop", LABSIM_F_DROP },       { "huge", LABSIM_F_HUGE },
    { "garbled", LABSIM_F_GARBLED }, { "nopage", LABSIM_F_NOPAGE },
    { "ansi", LABSIM_F_ANSI },
};

int labsim_platform_parse(const char *name)
{
    int i;

    for (i = 0; i < LABSIM_NPLATFORMS; i++) {
        if (strcmp(name, platform_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

const char *labsim_platform_name(enum labsim_platform p)
{
    return (unsigned)p < LABSIM_NPLATFORMS ? platform_names[p] : "?";
}

void labsim_dev_init(struct labsim_dev *dev)
{
    memset(dev, 0, sizeof(*dev));
    snprintf(dev->name, sizeof(dev->name), "%s", "sim1");
    dev->platform = LABSIM_IOS;
    dev->slow_ms = 1500;
    dev->huge_bytes = 10u << 20;
    dev->drop_after = 2048;
    dev->hang_s = 120;
    dev->idle_s = 600;
    dev->term_len = 24;
}

void labsim_dev_dispose(struct labsim_dev *dev)
{
    if (dev->enable_secret != NULL) {
        explicit_bzero(dev->enable_secret, strlen(dev->enable_secret));
        free(dev->enable_secret);
        dev->enable_secret = NULL;
    }
    free(dev->banner);
    dev->banner = NULL;
}

static int parse_num(const char *val, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    if (val[0] < '0' || val[0] > '9') {
        return -1;
    }
    errno = 0;
    v = strtoul(val, &end, 10);
    if (errno != 0 || *end != '\0' || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_faults(const char *val, unsigned *out)
{
    const char *p = val;
    size_t n;
    size_t i;
    unsigned bits = 0;

    while (*p != '\0') {
        n = strcspn(p, ",");
        for (i = 0; i < sizeof(fault_names) / sizeof(fault_names[0]); i++) {
            if (strlen(fault_names[i].name) == n &&
                strncmp(p, fault_names[i].name, n) == 0) {
                bits |= fault_names[i].bit;
                break;
            }
        }
        if (n > 0 && i == sizeof(fault_names) / sizeof(fault_names[0])) {
            return -1;
        }
        p += n;
        if (*p == ',') {
            p++;
        }
    }
    *out = bits;
    return 0;
}

/* "\n" in a banner value is a line break. */
static char *unescape(const char *val)
{
    char *r = malloc(strlen(val) + 1);
    char *w = r;

    if (r == NULL) {
        return NULL;
    }
    while (*val != '\0') {
        if (val[0] == '\\' && val[1] == 'n') {
            *w++ = '\n';
            val += 2;
        } else {
            *w++ = *val++;
        }
    }
    *w = '\0';
    return r;
}

static int set_str(char *dst, size_t cap, const char *val)
{
    if (strlen(val) >= cap) {
        return -1;
    }
    memcpy(dst, val, strlen(val) + 1);
    return 0;
}

int labsim_dev_set(struct labsim_dev *dev, const char *key, const char *val,
                   char *msg, size_t msglen)
{
    unsigned long v = 0;
    int p;
    int rc = -1;

    if (strcmp(key, "name") == 0) {
        rc = set_str(dev->name, sizeof(dev->name), val);
    } else if (strcmp(key, "hostname") == 0) {
        rc = set_str(dev->hostname, sizeof(dev->hostname), val);
    } else if (strcmp(key, "user") == 0) {
        rc = set_str(dev->user, sizeof(dev->user), val);
    } else if (strcmp(key, "state") == 0) {
        rc = set_str(dev->state_path, sizeof(dev->state_path), val);
    } else if (strcmp(key, "platform") == 0) {
        p = labsim_platform_parse(val);
        if (p >= 0) {
            dev->platform = (enum labsim_platform)p;
            rc = 0;
        }
    } else if (strcmp(key, "enable_secret") == 0) {
        if (dev->enable_secret != NULL) {
            explicit_bzero(dev->enable_secret, strlen(dev->enable_secret));
            free(dev->enable_secret);
        }
        dev->enable_secret = val[0] != '\0' ? strdup(val) : NULL;
        rc = (val[0] != '\0' && dev->enable_secret == NULL) ? -1 : 0;
    } else if (strcmp(key, "banner") == 0) {
        free(dev->banner);
        dev->banner = unescape(val);
        rc = dev->banner == NULL ? -1 : 0;
    } else if (strcmp(key, "fault") == 0) {
        rc = parse_faults(val, &dev->faults);
    } else if (strcmp(key, "slow_ms") == 0) {
        rc = parse_num(val, 600000, &v);
        dev->slow_ms = (unsigned)v;
    } else if (strcmp(key, "huge_bytes") == 0) {
        rc = parse_num(val, 1ul << 30, &v);
        dev->huge_bytes = v;
    } else if (strcmp(key, "huge_all") == 0) {
        rc = parse_num(val, 1, &v);
        dev->huge_all = (int)v;
    } else if (strcmp(key, "drop_after") == 0) {
        rc = parse_num(val, 1ul << 30, &v);
        dev->drop_after = v;
    } else if (strcmp(key, "hang_s") == 0) {
        rc = parse_num(val, 86400, &v);
        dev->hang_s = (unsigned)v;
    } else if (strcmp(key, "idle_s") == 0) {
        rc = parse_num(val, 86400, &v);
        dev->idle_s = (unsigned)v;
    } else if (strcmp(key, "term_len") == 0) {
        rc = parse_num(val, 512, &v);
        dev->term_len = (unsigned)v;
    } else {
        snprintf(msg, msglen, "unknown key %s", key);
        return -1;
    }
    if (rc != 0) {
        snprintf(msg, msglen, "bad value for %s", key);
    }
    return rc;
}

int labsim_dev_load(struct labsim_dev *dev, const char *path, char *msg,
                    size_t msglen)
{
    FILE *fp = NULL;
    char line[4096];
    char sub[512];
    char *eq = NULL;
    size_t n;
    unsigned lineno = 0;
    int rc = -1;

    fp = fopen(path, "r");
    if (fp == NULL) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        eq = strchr(line, '=');
        if (eq == NULL) {
            snprintf(msg, msglen, "%s:%u: no '='", path, lineno);
            goto out;
        }
        *eq = '\0';
        if (labsim_dev_set(dev, line, eq + 1, sub, sizeof(sub)) != 0) {
            snprintf(msg, msglen, "%s:%u: %s", path, lineno, sub);
            goto out;
        }
    }
    rc = 0;
out:
    explicit_bzero(line, sizeof(line));
    if (fp != NULL) {
        fclose(fp);
    }
    return rc;
}

static int read_file(const char *path, char **text, size_t *len)
{
    struct nr_buf b = NR_BUF_INIT(DATA_FILE_MAX);
    FILE *fp = NULL;
    char chunk[8192];
    size_t n;
    int rc = -1;

    *text = NULL;
    fp = fopen(path, "rb");
    if (fp == NULL) {
        goto out;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (nr_buf_add(&b, chunk, n) != 0) {
            goto out;
        }
    }
    if (ferror(fp)) {
        goto out;
    }
    /* Every output ends with a line break before the prompt. */
    if ((b.len == 0 || b.data[b.len - 1] != '\n') && nr_buf_addc(&b, '\n')) {
        goto out;
    }
    *len = b.len;
    *text = nr_buf_steal(&b);
    rc = 0;
out:
    nr_buf_dispose(&b);
    if (fp != NULL) {
        fclose(fp);
    }
    return rc;
}

void labsim_data_free(struct labsim_data *d)
{
    size_t i;

    if (d == NULL) {
        return;
    }
    for (i = 0; i < d->nfiles; i++) {
        free(d->files[i].command);
        free(d->files[i].text);
    }
    free(d->files);
    sim_tables_free(d);
    free(d);
}

static int add_file(struct labsim_data *d, const char *dir, char *line,
                    char *msg, size_t msglen)
{
    char *f[3] = { NULL, NULL, NULL };
    char path[PATH_MAX];
    struct sim_file *nf = NULL;
    char *p = line;
    int plat;
    int i;

    for (i = 0; i < 3; i++) {
        f[i] = p;
        p += strcspn(p, "\t");
        if (*p == '\0' && i < 2) {
            snprintf(msg, msglen, "COMMANDS: short line: %s", line);
            return -1;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
    plat = labsim_platform_parse(f[0]);
    if (plat < 0) {
        snprintf(msg, msglen, "COMMANDS: unknown platform %s", f[0]);
        return -1;
    }
    nf = realloc(d->files, (d->nfiles + 1) * sizeof(*nf));
    if (nf == NULL) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    d->files = nf;
    nf = &d->files[d->nfiles];
    memset(nf, 0, sizeof(*nf));
    nf->platform = (enum labsim_platform)plat;
    nf->command = strdup(f[1]);
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, f[2]) >=
            sizeof(path) ||
        nf->command == NULL || read_file(path, &nf->text, &nf->len) != 0) {
        snprintf(msg, msglen, "%s: cannot read", path);
        free(nf->command);
        return -1;
    }
    d->nfiles++;
    return 0;
}

int labsim_data_load(struct labsim_data **out, const char *dir, char *msg,
                     size_t msglen)
{
    struct labsim_data *d = NULL;
    FILE *fp = NULL;
    char path[PATH_MAX];
    char line[1024];
    int rc = -1;

    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        snprintf(msg, msglen, "out of memory");
        goto out;
    }
    snprintf(path, sizeof(path), "%s/COMMANDS", dir);
    fp = fopen(path, "r");
    if (fp == NULL) {
        snprintf(msg, msglen, "%s: %s", path, strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof(line), fp) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }
        if (add_file(d, dir, line, msg, msglen) != 0) {
            goto out;
        }
    }
    if (sim_tables_build(d) != 0) {
        snprintf(msg, msglen, "out of memory");
        goto out;
    }
    *out = d;
    d = NULL;
    rc = 0;
out:
    labsim_data_free(d);
    if (fp != NULL) {
        fclose(fp);
    }
    return rc;
}
