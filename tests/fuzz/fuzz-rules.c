/*
 * libFuzzer entry point for the rules loader.  The first byte picks the
 * file of a copy of the project's rules folder that the rest of the input
 * replaces; loading must report errors, never crash or leak.
 */
#include "autoconf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "rules.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
	"subject.rules",      "senders.rules",	"gemeenten.tsv",
	"shared-domains.tsv", "programme.conf", "templates/confirm.txt",
};

static char dir[] = "/tmp/fuzz-rules-XXXXXX";

static void
copy_rules(void)
{
	char *cmd;

	if (mkdtemp(dir) == NULL)
		abort();
	cmd = xasprintf("cp -r '%s/rules/.' '%s/'", TOP_SRCDIR, dir);
	if (system(cmd) != 0)
		abort();
	free(cmd);
}

static void
put(const char *name, const void *data, size_t size)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *originals[sizeof(files) / sizeof(files[0])];
	static size_t lens[sizeof(files) / sizeof(files[0])];
	struct rules *r;
	struct buf errors;
	size_t which;

	if (originals[0] == NULL) {
		copy_rules();
		for (which = 0; which < nitems(files); which++) {
			char *path = xasprintf("%s/%s", dir, files[which]);
			const char *err;

			originals[which] = util_read_file(path, 1 << 24,
							  &lens[which], &err);
			if (originals[which] == NULL)
				abort();
			free(path);
		}
	}
	if (size == 0)
		return 0;
	which = data[0] % nitems(files);
	put(files[which], data + 1, size - 1);
	buf_init(&errors, 1024 * 1024);
	r = rules_load(dir, &errors);
	rules_free(r);
	buf_deinit(&errors);
	put(files[which], originals[which], lens[which]);
	return 0;
}
