/* yamlv.h — YAML text to values, typed as Ansible's loader types them
 * (libyaml's parser with PyYAML's YAML 1.1 resolver: yes/no/on/off are
 * booleans, 010 is octal, 1:20 is sexagesimal, 1e3 is a string). */
#ifndef NR_YAMLV_H
#define NR_YAMLV_H

#include "val.h"

typedef void (*nr_yaml_warn_fn)(void *payload, const char *msg);

/* Load the single document of text into *out (NULL for an empty
 * stream).  Errors read "name:LINE: what"; a !vault value is an error
 * naming the variable.  Warnings (duplicate keys) go to warn. */
int nr_yaml_load(struct nr_val **out, const char *text, size_t len,
                 const char *name, nr_yaml_warn_fn warn, void *payload,
                 struct nr_err *err);

#endif
