/* driver: run a libFuzzer harness over saved inputs, without libFuzzer.
 *
 *   fuzz_NAME [-v] PATH...
 *
 * Each PATH is a file (one input) or a directory (every regular file in it
 * and its subdirectories, in name order; names starting with '.' and
 * README* are skipped).  Each input is read into a buffer of exactly its
 * size (so a sanitizer sees reads past its end) and handed to
 * LLVMFuzzerTestOneInput, after LLVMFuzzerInitialize if the harness has
 * one.  This is how `meson test --suite fuzz` replays the seed corpora with
 * gcc (optionally under -Db_sanitize=address,undefined); a crash is a
 * crash, a harness check failing aborts.  Exit status: 0 when every input
 * ran, 1 when a path could not be read or nothing was found.
 *
 * The clang build (tests/fuzz/run.sh) links libFuzzer's own main instead. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static bool verbose;
static size_t ran;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fprintf(stderr, "%s: out of memory\n", path);
			fclose(f);
			return 1;
		}
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		uint8_t *n = realloc(buf, cap * 2);
		if (!n)
			free(buf);
		buf = n;
		cap *= 2;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "%s: read error\n", path);
		free(buf);
		return 1;
	}
	/* Exactly len bytes, so reading one past the end is caught. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		fprintf(stderr, "%s: out of memory\n", path);
		return 1;
	}
	memcpy(exact, buf, len);
	free(buf);
	if (verbose)
		fprintf(stderr, "running %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	ran++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(sb.st_mode))
		return run_file(path);
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn)
				break;
			names = nn;
		}
		size_t l = strlen(path) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(l)))
			break;
		snprintf(names[n], l, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		r |= run_path(names[i]);
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	int r = 0, first = 1;
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = true;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
		return 1;
	}
	for (int i = first; i < argc; i++)
		r |= run_path(argv[i]);
	fprintf(stderr, "%s: %zu inputs ran\n", argv[0], ran);
	if (!ran)
		return 1;
	return r ? 1 : 0;
}
