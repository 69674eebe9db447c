/* snmp.h — internals of the SNMP module shared by snmp.c, snmp_fmt.c,
 * mib.c, the unit tests and the fuzz targets. */
#ifndef NR_SNMP_H
#define NR_SNMP_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <stdint.h>

#include "buf.h"
#include "netrun.h"

/* ---- mib.c: the built-in name table ---------------------------------- */

enum nr_mib_kind {
    NR_MIB_NODE, NR_MIB_SCALAR, NR_MIB_TABLE, NR_MIB_ENTRY, NR_MIB_COLUMN
};

#define NR_MIB_MAXDEPTH 16

struct nr_mib_obj {
    const char *name;
    const char *oid;        /* dotted numeric */
    unsigned char kind;     /* enum nr_mib_kind */
    unsigned char hint;     /* 'a' text, 'x' hex, 'e' enum, 0 by content */
    const char *enums;      /* "1=up,2=down" */
};

/* The object named name[0..len) (exact, case-sensitive); its OID goes to
 * num (NR_MIB_MAXDEPTH long).  NULL when unknown. */
const struct nr_mib_obj *nr_mib__by_name(const char *name, size_t len,
                                         oid *num, size_t *numlen);
/* The deepest object whose OID is a prefix of num; *matched is its
 * length.  NULL (and 0) when none. */
const struct nr_mib_obj *nr_mib__by_oid(const oid *num, size_t len,
                                        size_t *matched);
/* Label of enum value v (not NUL-terminated, *len long) or NULL. */
const char *nr_mib__enum(const struct nr_mib_obj *o, long v, size_t *len);
/* The columns of a table, in OID order; returns how many (<= max). */
size_t nr_mib__columns(const struct nr_mib_obj *table,
                       const struct nr_mib_obj **cols, size_t max);
size_t nr_mib__count(void);
const struct nr_mib_obj *nr_mib__at(size_t i);

/* ---- snmp_fmt.c: names, values, rates, tables -------------------------- */

/* One-time quiet init of net-snmp (no config files, no MIBs, no
 * persistent state, no logging to stderr).  Thread-safe. */
void nr_snmp__init(void);

/* Parse "1.3.6.1.2.1.1.3.0", ".1.3.6...", "sysUpTime.0",
 * "SNMPv2-MIB::sysUpTime.0", "ifHCInOctets.3".  NR_ERR_USAGE on a bad
 * or unknown name. */
int nr_snmp__oid_parse(oid *out, size_t *outlen, const char *text,
                       struct nr_err *err);
/* Dotted numeric form of num into b (no leading dot). */
int nr_snmp__oid_str(struct nr_buf *b, const oid *num, size_t len);
/* Symbolic form: name and index parts ("ifDescr", "3"); with no known
 * prefix name is the numeric OID and index "". numeric forces that. */
int nr_snmp__oid_name(struct nr_buf *name, struct nr_buf *index,
                      const oid *num, size_t len, int numeric,
                      const struct nr_mib_obj **obj);

/* The type's name in records ("INTEGER", "STRING", "Hex-STRING",
 * "Counter64", "noSuchObject", ...); NULL for a type SNMP does not
 * have. */
const char *nr_snmp__type_name(int asn_type, int hex);

/* Scratch for nr_snmp__vb_rec: a fleet walk formats a million varbinds,
 * and buffers kept from one to the next spare a malloc/free of each part
 * of each.  NR_SNMP_FMT_INIT; nr_snmp__fmt_dispose frees it. */
struct nr_snmp_fmt {
    struct nr_buf oid, name, index, disp, line;
};

#define NR_SNMP_FMT_INIT                                                   \
    { NR_BUF_INIT(1 << 16), NR_BUF_INIT(1 << 16), NR_BUF_INIT(1 << 16),   \
      NR_BUF_INIT(1 << 24), NR_BUF_INIT(1 << 24) }

void nr_snmp__fmt_dispose(struct nr_snmp_fmt *f);

/* Fill rec with ok, oid, name, index, type, value and text (when the value
 * has a human form) of vb, and set its text rendering (snmpwalk-like,
 * after host, with suffix appended when not NULL); f is scratch.
 * flags: NR_SNMP_NUMERIC, NR_SNMP_TEXT_ONLY (the text rendering only). */
int nr_snmp__vb_rec(struct nr_rec *rec, struct nr_snmp_fmt *f,
                    const char *host, const netsnmp_variable_list *vb,
                    unsigned flags, const char *suffix);

/* Counter mode: the per-second rate of a counter from prev to cur over
 * secs.  bits 32 or 64.  A counter below its previous value wrapped once
 * (delta counted across the wrap).  reset (sysUpTime went back) means a
 * discontinuity: no rate.  Returns NR_RATE_*. */
enum nr_rate { NR_RATE_OK, NR_RATE_WRAP, NR_RATE_RESET, NR_RATE_NONE };
enum nr_rate nr_snmp__rate(double *rate, uint64_t *delta, int bits,
                           uint64_t prev, uint64_t cur, double secs,
                           int reset);

/* Pivot the varbinds of a walked table (vbs in any order) into one
 * record per index, in index order, columns by name; records go to fn.
 * tname names the table in the records. */
int nr_snmp__pivot(const char *host, const char *tname, const oid *table,
                   size_t tlen, netsnmp_variable_list *const *vbs, size_t n,
                   unsigned flags, nr_snmp_rec_fn fn, void *payload,
                   struct nr_err *err);

/* ---- snmp.c: targets ---------------------------------------------------- */

/* Parse "host", "host:port", "[v6]:port", "v6" into host and port
 * (0 when not given).  NR_ERR_USAGE when malformed. */
int nr_snmp__addr_parse(char *host, size_t hostsz, int *port,
                        const char *addr, struct nr_err *err);
/* Map net-snmp's error number (SNMPERR_*) to a kind and a message: the
 * one place that does. */
void nr_snmp__err_map(struct nr_err *err, const char *op, int snmperr,
                      const char *detail);

#endif
