/* sim_cfg.c — the device's configuration: defaults per platform, changes
 * from configuration mode, rendering as the real show commands print it
 * (volatile lines included, so backup tools have something to strip) and
 * persistence in the device's state file. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sim_int.h"

#define CFG_LINES_MAX 100000

/* Children start with one space; "{H}" is the hostname. */
static const char *const def_ios[] = {
    "version 15.2",
    "service timestamps debug datetime msec",
    "service timestamps log datetime msec",
    "no service password-encryption",
    "hostname {H}",
    "boot-start-marker",
    "boot-end-marker",
    "no aaa new-model",
    "ip cef",
    "no ipv6 cef",
    "username admin privilege 15 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
    "interface Loopback0",
    " ip address 10.255.0.1 255.255.255.255",
    "interface GigabitEthernet0/0",
    " description uplink to core",
    " ip address 192.0.2.1 255.255.255.0",
    " duplex auto",
    " speed auto",
    "interface GigabitEthernet0/1",
    " no ip address",
    " shutdown",
    "ip forward-protocol nd",
    "no ip http server",
    "ip ssh version 2",
    "logging host 192.0.2.50",
    "snmp-server location netrun lab",
    "line con 0",
    "line vty 0 4",
    " login local",
    " transport input ssh",
    "ntp server 192.0.2.123",
    NULL
};

static const char *const def_nxos[] = {
    "hostname {H}",
    "feature ssh",
    "feature interface-vlan",
    "feature lldp",
    "username admin password 5 $5$KLFhN$0cvZ0aT8PXkq role network-admin",
    "ip domain-lookup",
    "vlan 1,10",
    "vrf context management",
    " ip route 0.0.0.0/0 192.0.2.254",
    "interface Vlan10",
    " no shutdown",
    " ip address 10.10.0.2/24",
    "interface Ethernet1/1",
    " description uplink to core",
    " no switchport",
    " ip address 192.0.2.2/24",
    " no shutdown",
    "interface mgmt0",
    " vrf member management",
    " ip address 10.0.0.2/24",
    "line console",
    "line vty",
    "ntp server 192.0.2.123 use-vrf management",
    NULL
};

static const char *const def_xr[] = {
    "hostname {H}",
    "clock timezone UTC 0",
    "logging console informational",
    "username admin",
    " group root-lr",
    " group cisco-support",
    " secret 10 $6$Dt4X3/v1n8Vj0$Qm7dTqN1ulE",
    "interface Loopback0",
    " ipv4 address 10.255.0.3 255.255.255.255",
    "interface MgmtEth0/RSP0/CPU0/0",
    " ipv4 address 10.0.0.3 255.255.255.0",
    "interface GigabitEthernet0/0/0/0",
    " description uplink to core",
    " ipv4 address 192.0.2.3 255.255.255.0",
    "interface GigabitEthernet0/0/0/1",
    " shutdown",
    "ntp",
    " server 192.0.2.123",
    "ssh server v2",
    NULL
};

static const char *const def_eos[] = {
    "transceiver qsfp default-mode 4x10G",
    "hostname {H}",
    "spanning-tree mode mstp",
    "no aaa root",
    "username admin privilege 15 role network-admin secret sha512 "
    "$6$Dr0WLc8u$m3D0wuZo9n",
    "interface Ethernet1",
    " description uplink to core",
    " no switchport",
    " ip address 192.0.2.4/24",
    "interface Ethernet2",
    " shutdown",
    "interface Management1",
    " ip address 10.0.0.4/24",
    "ip routing",
    "ntp server 192.0.2.123",
    "management api http-commands",
    " no shutdown",
    NULL
};

static const char *const def_junos[] = {
    "version 20.4R3.8",
    "system host-name {H}",
    "system root-authentication encrypted-password \"$6$r0UtE$kpm0QGhT\"",
    "system login user admin class super-user",
    "system services ssh",
    "system services netconf ssh",
    "system syslog file messages any notice",
    "system ntp server 192.0.2.123",
    "interfaces ge-0/0/0 description \"uplink to core\"",
    "interfaces ge-0/0/0 unit 0 family inet address 192.0.2.5/24",
    "interfaces lo0 unit 0 family inet address 10.255.0.5/32",
    "routing-options static route 0.0.0.0/0 next-hop 192.0.2.254",
    NULL
};

static const char *const *const defaults[LABSIM_NPLATFORMS] = {
    [LABSIM_IOS] = def_ios,
    [LABSIM_NXOS] = def_nxos,
    [LABSIM_XR] = def_xr,
    [LABSIM_EOS] = def_eos,
    [LABSIM_JUNOS] = def_junos,
};

void sim_cfg_dispose(struct sim_cfg *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        free(c->line[i]);
    }
    free(c->line);
    c->line = NULL;
    c->n = 0;
    c->cap = 0;
}

int sim_cfg_add(struct sim_cfg *c, size_t at, const char *line)
{
    char **nl = NULL;
    char *dup = NULL;
    size_t ncap;

    if (c->n >= CFG_LINES_MAX) {
        errno = EMSGSIZE;
        return -1;
    }
    if (c->n == c->cap) {
        ncap = c->cap == 0 ? 64 : c->cap * 2;
        nl = realloc(c->line, ncap * sizeof(*nl));
        if (nl == NULL) {
            return -1;
        }
        c->line = nl;
        c->cap = ncap;
    }
    dup = strdup(line);
    if (dup == NULL) {
        return -1;
    }
    if (at > c->n) {
        at = c->n;
    }
    memmove(c->line + at + 1, c->line + at, (c->n - at) * sizeof(*c->line));
    c->line[at] = dup;
    c->n++;
    return 0;
}

void sim_cfg_del(struct sim_cfg *c, size_t at)
{
    if (at >= c->n) {
        return;
    }
    free(c->line[at]);
    memmove(c->line + at, c->line + at + 1,
            (c->n - at - 1) * sizeof(*c->line));
    c->n--;
}

int sim_cfg_copy(struct sim_cfg *dst, const struct sim_cfg *src)
{
    struct sim_cfg t = { NULL, 0, 0 };
    size_t i;

    for (i = 0; i < src->n; i++) {
        if (sim_cfg_add(&t, t.n, src->line[i]) != 0) {
            sim_cfg_dispose(&t);
            return -1;
        }
    }
    sim_cfg_dispose(dst);
    *dst = t;
    return 0;
}

int sim_cfg_equal(const struct sim_cfg *a, const struct sim_cfg *b)
{
    size_t i;

    if (a->n != b->n) {
        return 0;
    }
    for (i = 0; i < a->n; i++) {
        if (strcmp(a->line[i], b->line[i]) != 0) {
            return 0;
        }
    }
    return 1;
}

void sim_cfg_find_hostname(struct labsim *s, const struct sim_cfg *c)
{
    const char *key =
        s->plat == LABSIM_JUNOS ? "system host-name " : "hostname ";
    size_t k = strlen(key);
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (strncmp(c->line[i], key, k) == 0 && c->line[i][k] != '\0') {
            snprintf(s->hostname, sizeof(s->hostname), "%s", c->line[i] + k);
            return;
        }
    }
}

int sim_cfg_defaults(struct labsim *s)
{
    const char *const *d = defaults[s->plat];
    char line[SIM_LINE_MAX];
    const char *h = NULL;
    size_t i;

    sim_cfg_dispose(&s->run);
    for (i = 0; d[i] != NULL; i++) {
        h = strstr(d[i], "{H}");
        if (h != NULL) {
            snprintf(line, sizeof(line), "%.*s%s%s", (int)(h - d[i]), d[i],
                     s->hostname, h + 3);
        } else {
            snprintf(line, sizeof(line), "%s", d[i]);
        }
        if (sim_cfg_add(&s->run, s->run.n, line) != 0) {
            return -1;
        }
    }
    return 0;
}

int sim_cfg_load(struct labsim *s)
{
    FILE *fp = NULL;
    char line[SIM_LINE_MAX];
    long long t = 0;
    int rc = -1;

    if (s->dev->state_path[0] == '\0') {
        return sim_cfg_defaults(s);
    }
    fp = fopen(s->dev->state_path, "r");
    if (fp == NULL) {
        return sim_cfg_defaults(s);
    }
    while (fgets(line, sizeof(line), fp) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (sscanf(line, "#netrun-lab-config %lld", &t) == 1) {
            s->last_change = (time_t)t;
            continue;
        }
        if (sim_cfg_add(&s->run, s->run.n, line) != 0) {
            goto out;
        }
    }
    if (s->run.n == 0) {
        rc = sim_cfg_defaults(s);
        goto out;
    }
    sim_cfg_find_hostname(s, &s->run);
    rc = 0;
out:
    fclose(fp);
    return rc;
}

/* Temp file, fsync, rename: a reader never sees half a configuration.
 * Failure is not fatal: the session keeps its configuration. */
void sim_cfg_save(struct labsim *s)
{
    char tmp[LABSIM_PATH_MAX + 32];
    FILE *fp = NULL;
    size_t i;
    int ok = 1;

    if (s->dev->state_path[0] == '\0') {
        return;
    }
    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", s->dev->state_path,
             (long)getpid());
    fp = fopen(tmp, "w");
    if (fp == NULL) {
        return;
    }
    fprintf(fp, "#netrun-lab-config %lld\n", (long long)s->last_change);
    for (i = 0; i < s->run.n; i++) {
        if (fprintf(fp, "%s\n", s->run.line[i]) < 0) {
            ok = 0;
        }
    }
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        ok = 0;
    }
    if (fclose(fp) != 0) {
        ok = 0;
    }
    if (!ok || rename(tmp, s->dev->state_path) != 0) {
        unlink(tmp);
    }
}

/* Index of a top-level line equal to text (case-insensitive), or n. */
static size_t find_top(const struct sim_cfg *c, const char *text)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (c->line[i][0] != ' ' && strcasecmp(c->line[i], text) == 0) {
            return i;
        }
    }
    return c->n;
}

/* End (exclusive) of the children of the section at h. */
static size_t section_end(const struct sim_cfg *c, size_t h)
{
    size_t e = h + 1;

    while (e < c->n && c->line[e][0] == ' ') {
        e++;
    }
    return e;
}

/* A line that has one value per section: setting it replaces the old. */
static size_t single_prefix(const char *line)
{
    static const char *const keys[] = {
        "description ", "mtu ", "speed ", "duplex ", "bandwidth ",
        "ip address ", "ipv4 address ", "hostname ", "vrf member ",
        "switchport mode ", "switchport access vlan ", NULL
    };
    size_t i;

    if (strstr(line, " secondary") != NULL) {
        return 0;
    }
    for (i = 0; keys[i] != NULL; i++) {
        if (strncasecmp(line, keys[i], strlen(keys[i])) == 0) {
            return strlen(keys[i]);
        }
    }
    return 0;
}

static void remove_prefixed(struct sim_cfg *c, size_t from, size_t *to,
                            const char *pfx, size_t n)
{
    size_t i = from;

    while (i < *to) {
        if (strncasecmp(c->line[i], pfx, n) == 0) {
            sim_cfg_del(c, i);
            (*to)--;
        } else {
            i++;
        }
    }
}

/* Apply one configuration line of the Cisco-like platforms. section is
 * the header of the sub-mode ("" for global); entering a sub-mode
 * applies its header line with section "". */
int sim_cfg_apply(struct labsim *s, struct sim_cfg *c, const char *section,
                  const char *line)
{
    char child[SIM_LINE_MAX + 2];
    size_t h;
    size_t e;
    size_t i;
    size_t n;
    int neg;

    while (*line == ' ' || *line == '\t') {
        line++;
    }
    neg = strncasecmp(line, "no ", 3) == 0;
    s->last_change = time(NULL);
    if (section[0] == '\0') {
        if (neg) {
            h = find_top(c, line + 3);
            if (h < c->n) {
                e = section_end(c, h);
                while (e > h) {
                    sim_cfg_del(c, --e);
                }
                return 0;
            }
        }
        n = single_prefix(line);
        if (n > 0) {
            e = c->n;
            for (i = 0; i < e; i++) {
                if (c->line[i][0] != ' ' &&
                    strncasecmp(c->line[i], line, n) == 0) {
                    free(c->line[i]);
                    c->line[i] = strdup(line);
                    return c->line[i] == NULL ? -1 : 0;
                }
            }
        }
        if (find_top(c, line) < c->n) {
            return 0;
        }
        return sim_cfg_add(c, c->n, line);
    }
    h = find_top(c, section);
    if (h == c->n && sim_cfg_add(c, c->n, section) != 0) {
        return -1;
    }
    e = section_end(c, h);
    if (neg) {
        snprintf(child, sizeof(child), " %s", line + 3);
        remove_prefixed(c, h + 1, &e, child, strlen(child));
        if (s->plat != LABSIM_NXOS || strcasecmp(line, "no shutdown") != 0) {
            return 0;
        }
    } else if (strcasecmp(line, "shutdown") == 0) {
        remove_prefixed(c, h + 1, &e, " no shutdown", 12);
    }
    snprintf(child, sizeof(child), " %s", line);
    n = single_prefix(line);
    if (n > 0) {
        remove_prefixed(c, h + 1, &e, child, n + 1);
    }
    for (i = h + 1; i < e; i++) {
        if (strcasecmp(c->line[i], child) == 0) {
            return 0;
        }
    }
    return sim_cfg_add(c, e, child);
}

/* Junos set lines: tokens, honouring double quotes. */
static size_t jtokens(const char *line, const char **tok, size_t *len,
                      size_t max)
{
    size_t n = 0;
    const char *p = line;

    while (*p != '\0' && n < max) {
        while (*p == ' ') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        tok[n] = p;
        if (*p == '"') {
            p++;
            while (*p != '\0' && *p != '"') {
                p++;
            }
            if (*p == '"') {
                p++;
            }
        } else {
            while (*p != '\0' && *p != ' ') {
                p++;
            }
        }
        len[n] = (size_t)(p - tok[n]);
        n++;
    }
    return n;
}

/* Is the token t (l bytes) one of the NULL-terminated list? */
static int in_list(const char *const *list, const char *t, size_t l)
{
    size_t i;

    for (i = 0; list[i] != NULL; i++) {
        if (strlen(list[i]) == l && strncmp(t, list[i], l) == 0) {
            return 1;
        }
    }
    return 0;
}

static const char *const single_keys[] = {
        "host-name", "description", "mtu", "speed", "router-id",
        "autonomous-system", "time-zone", "domain-name", NULL
    };

static int jsingle(const char *tok, size_t len)
{
    return in_list(single_keys, tok, len);
}

/* Do the first k tokens of a and b agree? */
static int jsame_prefix(const char *a, const char *b, size_t k)
{
    const char *ta[SIM_WORDS_MAX];
    const char *tb[SIM_WORDS_MAX];
    size_t la[SIM_WORDS_MAX];
    size_t lb[SIM_WORDS_MAX];
    size_t na = jtokens(a, ta, la, SIM_WORDS_MAX);
    size_t nb = jtokens(b, tb, lb, SIM_WORDS_MAX);
    size_t i;

    if (na < k || nb < k) {
        return 0;
    }
    for (i = 0; i < k; i++) {
        if (la[i] != lb[i] || strncmp(ta[i], tb[i], la[i]) != 0) {
            return 0;
        }
    }
    return 1;
}

int sim_cfg_junos_set(struct sim_cfg *c, const char *path)
{
    const char *tok[SIM_WORDS_MAX];
    size_t len[SIM_WORDS_MAX];
    size_t n = jtokens(path, tok, len, SIM_WORDS_MAX);
    size_t i;

    for (i = 0; i < c->n; i++) {
        if (strcmp(c->line[i], path) == 0) {
            return 0;
        }
    }
    if (n >= 2 && jsingle(tok[n - 2], len[n - 2])) {
        for (i = 0; i < c->n; i++) {
            if (jsame_prefix(c->line[i], path, n - 1)) {
                free(c->line[i]);
                c->line[i] = strdup(path);
                return c->line[i] == NULL ? -1 : 0;
            }
        }
    }
    return sim_cfg_add(c, c->n, path);
}

/* Returns the number of lines removed. */
int sim_cfg_junos_delete(struct sim_cfg *c, const char *path)
{
    const char *tok[SIM_WORDS_MAX];
    size_t len[SIM_WORDS_MAX];
    size_t n = jtokens(path, tok, len, SIM_WORDS_MAX);
    size_t i = 0;
    int removed = 0;

    while (i < c->n) {
        if (n > 0 && jsame_prefix(c->line[i], path, n)) {
            sim_cfg_del(c, i);
            removed++;
        } else {
            i++;
        }
    }
    return removed;
}

/* The hierarchy of a set line: labels of the containers and the leaf. A
 * heuristic in place of the Junos schema: keywords that name an instance
 * ("unit 0", "family inet") form one level, the last two tokens a leaf. */
struct jpath {
    char label[SIM_WORDS_MAX][128];
    size_t n;
    char leaf[SIM_LINE_MAX];
};

static const char *const named_keys[] = {
        "unit", "family", "user", "file", "route", "group", "neighbor",
        "term", "policy-statement", "vlan", "host", "filter", "instance",
        "interface", "area", "prefix-list", "community", NULL
    };

static int jnamed(const char *t, size_t l)
{
    return in_list(named_keys, t, l);
}

static const char *const container_keys[] = {
        "system", "services", "interfaces", "protocols", "routing-options",
        "static", "login", "syslog", "ntp", "policy-options", "firewall",
        "snmp", "vlans", "security", NULL
    };

static int jcontainer(const char *t, size_t l)
{
    return in_list(container_keys, t, l);
}

static void jsplit(const char *line, struct jpath *p)
{
    const char *tok[SIM_WORDS_MAX];
    size_t len[SIM_WORDS_MAX];
    size_t n = jtokens(line, tok, len, SIM_WORDS_MAX);
    size_t i = 0;
    size_t r;

    p->n = 0;
    p->leaf[0] = '\0';
    while (i < n) {
        r = n - i;
        if (r == 1 || (r == 2 && !jcontainer(tok[i], len[i]))) {
            snprintf(p->leaf, sizeof(p->leaf), "%.*s;",
                     (int)(tok[n - 1] + len[n - 1] - tok[i]), tok[i]);
            return;
        }
        if (!jcontainer(tok[i], len[i]) && jnamed(tok[i], len[i])) {
            snprintf(p->label[p->n++], sizeof(p->label[0]), "%.*s %.*s",
                     (int)len[i], tok[i], (int)len[i + 1], tok[i + 1]);
            i += 2;
        } else {
            snprintf(p->label[p->n++], sizeof(p->label[0]), "%.*s",
                     (int)len[i], tok[i]);
            i++;
        }
    }
}

static int indent(struct nr_buf *r, size_t depth)
{
    size_t i;

    for (i = 0; i < depth * 4; i++) {
        if (nr_buf_addc(r, ' ') != 0) {
            return -1;
        }
    }
    return 0;
}

/* Lines idx[0..n) share their first depth labels; print what is below. */
static int jrender(struct jpath *ps, size_t *idx, size_t n, size_t depth,
                   struct nr_buf *r)
{
    size_t *sub = NULL;
    char *done = NULL;
    size_t i;
    size_t j;
    size_t k;
    int rc = -1;

    sub = calloc(n + 1, sizeof(*sub));
    done = calloc(n + 1, 1);
    if (sub == NULL || done == NULL) {
        goto out;
    }
    for (i = 0; i < n; i++) {
        struct jpath *p = &ps[idx[i]];

        if (done[i]) {
            continue;
        }
        if (p->n == depth) {
            if (indent(r, depth) != 0 || nr_buf_printf(r, "%s\n", p->leaf)) {
                goto out;
            }
            continue;
        }
        k = 0;
        for (j = i; j < n; j++) {
            if (!done[j] && ps[idx[j]].n > depth &&
                strcmp(ps[idx[j]].label[depth], p->label[depth]) == 0) {
                sub[k++] = idx[j];
                done[j] = 1;
            }
        }
        if (indent(r, depth) != 0 ||
            nr_buf_printf(r, "%s {\n", p->label[depth]) != 0 ||
            jrender(ps, sub, k, depth + 1, r) != 0 || indent(r, depth) != 0 ||
            nr_buf_adds(r, "}\n") != 0) {
            goto out;
        }
    }
    rc = 0;
out:
    free(sub);
    free(done);
    return rc;
}

static int render_junos(struct labsim *s, const struct sim_cfg *c,
                        struct nr_buf *r, int running)
{
    struct jpath *ps = NULL;
    size_t *idx = NULL;
    char when[64];
    size_t i;
    int rc = -1;

    if (s->display_set) {
        for (i = 0; i < c->n; i++) {
            if (nr_buf_printf(r, "set %s\n", c->line[i]) != 0) {
                return -1;
            }
        }
        return 0;
    }
    if (running) {
        sim_time_str(when, sizeof(when), TF_ISO,
                     s->last_change);
        if (nr_buf_printf(r, "## Last commit: %s by %s\n", when,
                          s->dev->user[0] != '\0' ? s->dev->user : "admin")) {
            return -1;
        }
    }
    ps = calloc(c->n + 1, sizeof(*ps));
    idx = calloc(c->n + 1, sizeof(*idx));
    if (ps == NULL || idx == NULL) {
        goto out;
    }
    for (i = 0; i < c->n; i++) {
        jsplit(c->line[i], &ps[i]);
        idx[i] = i;
    }
    rc = jrender(ps, idx, c->n, 0, r);
out:
    free(ps);
    free(idx);
    return rc;
}

/* Body lines: children re-indented, separators between sections. */
static int render_body(struct labsim *s, const struct sim_cfg *c,
                       struct nr_buf *r)
{
    static const int indents[LABSIM_NPLATFORMS] = {
        [LABSIM_IOS] = 1, [LABSIM_NXOS] = 2, [LABSIM_XR] = 1,
        [LABSIM_EOS] = 3, [LABSIM_JUNOS] = 0,
    };
    const char *sep = s->plat == LABSIM_NXOS ? "\n" : "!\n";
    size_t i;
    int in_section = 0;

    for (i = 0; i < c->n; i++) {
        if (c->line[i][0] == ' ') {
            if (nr_buf_printf(r, "%*s%s\n", indents[s->plat], "",
                              c->line[i] + 1) != 0) {
                return -1;
            }
            in_section = 1;
            continue;
        }
        if (in_section || (s->plat == LABSIM_EOS && i > 0)) {
            if (nr_buf_adds(r, sep) != 0) {
                return -1;
            }
        }
        in_section = 0;
        if (nr_buf_printf(r, "%s\n", c->line[i]) != 0) {
            return -1;
        }
    }
    return nr_buf_adds(r, in_section ? sep : "");
}

/* running: the running configuration with its header lines; else only
 * the lines (XR "show configuration" of the candidate). */
int sim_cfg_render(struct labsim *s, const struct sim_cfg *c,
                   struct nr_buf *r, int running)
{
    struct nr_buf body = NR_BUF_INIT(SIM_RESULT_MAX);
    const char *by = s->dev->user[0] != '\0' ? s->dev->user : "admin";
    char changed[64];
    char now[64];
    time_t t = time(NULL);
    int rc = -1;

    if (s->plat == LABSIM_JUNOS) {
        return render_junos(s, c, r, running);
    }
    if (render_body(s, c, &body) != 0) {
        goto out;
    }
    if (!running) {
        rc = nr_buf_add(r, nr_buf_str(&body), body.len);
        goto out;
    }
    switch (s->plat) {
    case LABSIM_IOS:
        sim_time_str(changed, sizeof(changed), TF_IOS,
                     s->last_change);
        sim_time_str(now, sizeof(now), TF_IOS, t);
        rc = nr_buf_printf(r,
                           "Building configuration...\n\n"
                           "Current configuration : %zu bytes\n!\n"
                           "! Last configuration change at %s by %s\n"
                           "! NVRAM config last updated at %s by %s\n!\n"
                           "%s!\nntp clock-period %ld\nend\n",
                           body.len + 120, changed, by, now, by,
                           nr_buf_str(&body), 17179 + (long)(t % 61));
        break;
    case LABSIM_NXOS:
        sim_time_str(changed, sizeof(changed), TF_CTIME,
                     s->last_change);
        sim_time_str(now, sizeof(now), TF_CTIME, t);
        rc = nr_buf_printf(r,
                           "\n!Command: show running-config\n"
                           "!Running configuration last done at: %s\n"
                           "!Time: %s\n\nversion 9.3(8) Bios:version 05.45\n"
                           "%s\n",
                           changed, now, nr_buf_str(&body));
        break;
    case LABSIM_XR:
        sim_time_str(changed, sizeof(changed), TF_CTIME,
                     s->last_change);
        rc = nr_buf_printf(r,
                           "Building configuration...\n"
                           "!! IOS XR Configuration 7.9.2\n"
                           "!! Last configuration change at %s by %s\n!\n"
                           "%send\n\n",
                           changed, by, nr_buf_str(&body));
        break;
    default:
        sim_time_str(now, sizeof(now), TF_CTIME, t);
        rc = nr_buf_printf(r,
                           "! Command: show running-config\n"
                           "! device: %s (vEOS-lab, EOS-4.28.3M)\n"
                           "! Time: %s\n!\n"
                           "! boot system flash:/vEOS-lab.swi\n!\n"
                           "%s!\nend\n",
                           s->hostname, now, nr_buf_str(&body));
        break;
    }
out:
    nr_buf_dispose(&body);
    return rc;
}

/* Lines of cand that run lacks, each child under its section header:
 * what XR's "show configuration" lists before a commit. */
int sim_cfg_diff(const struct sim_cfg *cand, const struct sim_cfg *run,
                 struct nr_buf *r)
{
    const char *head = NULL;
    int head_shown = 0;
    size_t i;
    size_t h;
    size_t e;
    size_t j;
    int found;

    for (i = 0; i < cand->n; i++) {
        if (cand->line[i][0] != ' ') {
            head = cand->line[i];
            head_shown = find_top(run, head) == run->n;
            if (head_shown && nr_buf_printf(r, "%s\n", head) != 0) {
                return -1;
            }
            continue;
        }
        found = 0;
        h = head != NULL ? find_top(run, head) : run->n;
        e = h < run->n ? section_end(run, h) : h;
        for (j = h + 1; j < e && !found; j++) {
            found = strcmp(run->line[j], cand->line[i]) == 0;
        }
        if (found) {
            continue;
        }
        if (!head_shown && head != NULL) {
            if (nr_buf_printf(r, "%s\n", head) != 0) {
                return -1;
            }
            head_shown = 1;
        }
        if (nr_buf_printf(r, "%s\n", cand->line[i]) != 0) {
            return -1;
        }
    }
    return 0;
}
