/* embedded: data files compiled into the program (tools/embed.py). */
#ifndef ZHISHOU_EMBEDDED_H
#define ZHISHOU_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;   /* e.g. "migrations/001_night.sql" */
	const char *data;   /* NUL-terminated */
	size_t size;
};

/* Terminated by an entry with name == NULL, sorted as meson lists them. */
extern const struct embedded_file embedded_files[];

const struct embedded_file *embedded_find(const char *name);

#endif
