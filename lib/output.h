/* output.h — internals of the output module shared with the protocol
 * modules. */
#ifndef NR_OUTPUT_H
#define NR_OUTPUT_H

#include "netrun.h"

/* Empty r back to what nr_rec_new(host) gives (host NULL: ""), keeping
 * its storage, so an engine that makes one record per varbind can reuse
 * one.  0, or -1 when out of memory (r still valid, to be freed). */
int nr_rec__reset(struct nr_rec *r, const char *host);

#endif
