/* demo_data: the demo night's tables, read from data/demo (compiled into
 * the program like the migrations; data/demo/README.md describes the
 * files).  Private to src/demo: demo.c generates the night from them. */
#ifndef ZHISHOU_DEMO_DATA_H
#define ZHISHOU_DEMO_DATA_H

#include <stddef.h>

#include "zhishou/csvfile.h"
#include "zhishou/embedded.h"
#include "zhishou/error.h"

/* A list from the files, in their order (a key given again, or words). */
enum { DEMO_LIST_MAX = 64 };
struct demo_list {
	size_t n;
	const char *v[DEMO_LIST_MAX];
};

/* Clocks are seconds after local midnight; days are of March. */
struct demo_gala {
	const char *name;
	int day, start, end;
};

struct demo_stretch {
	int from, to, n;       /* minutes after 14 March 00:00: [from, to) */
};

struct demo_exposure {
	const char *key;
	int aired, deadline;   /* on 15 March; deadline 0: the default */
	const char *title, *industry, *companies, *keywords, *lead, *assist, *level;
	/* The calls it brings: */
	int weight;            /* share among the exposure-related calls */
	const char *category;
	struct demo_list subjects, places, complaints, tips;
	const char *inquiry;
};

/* One thing the bureau does after an airing: exactly one of status/local
 * (an update), action (with count and note), instruct, confirm (the
 * credit desk confirms the first `confirm` of the register's candidates,
 * by station then name), or report (the next progress report to the city
 * is recorded, with these next steps). */
struct demo_step {
	size_t exposure;       /* index in exposures */
	int at;                /* on 15 March */
	const char *status, *local, *action, *count, *note, *instruct, *report;
	int confirm;           /* 0: not a confirmation */
};

/* What the publicity office saw online (opinions.txt), in file order;
 * status and the response (with its time) are optional. */
struct demo_opinion {
	size_t exposure;       /* index in exposures; nexposures: none */
	int found, at, response_at;   /* on 15 March */
	const char *platform, *title, *url, *summary, *reach, *level, *status, *note, *response;
};

struct demo_channel {
	const char *code;
	int weight;
};

struct demo_category {
	const char *code, *unit, *reject;   /* reject may be NULL */
	int weight;
	struct demo_list subjects, goods, problems, violations, questions;
};

struct demo_night {
	struct csv_table roster;   /* roster.csv, its header first */
	struct demo_gala *galas;
	size_t ngalas;
	struct demo_stretch *stretches;
	size_t nstretches;
	int repeat_every, max_repeats;
	/* The 12315 platform: numbers start with prefix (the district's code);
	 * of the items the rule says must be entered, these percentages of
	 * phone and walk-in ones, and of the rest, were entered by 21:40. */
	const char *platform_prefix;
	int platform_phone, platform_other;
	struct demo_exposure *exposures;
	size_t nexposures;
	struct demo_step *steps;
	size_t nsteps;
	struct demo_opinion *opinions;
	size_t nopinions;
	struct demo_channel *channels;
	size_t nchannels;
	struct demo_category *categories;
	size_t ncategories;
	/* calls.txt [templates] and [callers] */
	struct demo_list complaint_tpl, tip_tpl, inquiry_tpl, demands;
	struct demo_list surnames, given_names, nicknames, mobile_prefixes;
	const char *mr, *ms;
	/* [words] */
	const char *today, *yesterday, *days_ago, *repeat, *cctv;
	/* [notes] */
	const char *n_duplicate, *n_answered, *n_to_verify, *n_transfer, *n_refunded, *n_apology, *n_no_agreement,
		*n_on_site, *n_no_evidence, *station;
	struct demo_list accepted, recovered, tip_closed;
	struct demo_list uscc;   /* subject, its USCC, subject, … */
	/* Every string above points into these (or into roster). */
	char *text[4];
};

/* Where the files are: embedded_find ("demo/night.txt" …), or a test's. */
typedef const struct embedded_file *(*demo_find_fn)(const char *name);

/* Read the tables; on failure (a file missing or wrong: a fault of the
 * build, named with its file and line) nothing is left to free. */
int demo_night_load(struct demo_night *n, demo_find_fn find, struct zs_error *err);
void demo_night_free(struct demo_night *n);

#endif
