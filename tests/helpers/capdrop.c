// SPDX-License-Identifier: GPL-2.0
/*
 * capdrop CAPS PROG [ARGS...]: run PROG as root with exactly the capabilities CAPS (numbers,
 * comma-separated; "none" for none) in every set: bounding, permitted, effective, inheritable
 * and ambient (so that they survive the exec of a program without file capabilities). For
 * tests that find the least privilege scry needs, where the container engine cannot grant a
 * capability by name (Docker here knows no CAP_BPF or CAP_PERFMON): the container is given
 * everything and capdrop takes it away. Static, to run in any image.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CAP_MAX 64

int main(int argc, char **argv)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	unsigned long long keep = 0;
	char *list, *tok, *save = NULL;
	int last = 40, c;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: capdrop CAP[,CAP...]|none PROG [ARGS...]\n");
		return 2;
	}
	f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = 40;
		fclose(f);
	}
	list = strdup(argv[1]);
	for (tok = strtok_r(list, ",", &save); tok && strcmp(tok, "none");
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long n = strtol(tok, &end, 10);

		if (*end || n < 0 || n >= CAP_MAX) {
			fprintf(stderr, "capdrop: bad capability number '%s'\n", tok);
			return 2;
		}
		keep |= 1ULL << n;
	}
	/* Keep the capabilities across the uid staying 0; then the bounding set. */
	for (c = 0; c <= last; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL) {
			perror("capdrop: PR_CAPBSET_DROP");
			return 1;
		}
	/*
	 * (While CAP_SETPCAP is still held.) Root's exec would give back the full permitted set
	 * (file caps of root): SECBIT_NOROOT
	 * stops that, so that only the ambient set (== CAPS) is carried into PROG.
	 */
	if (prctl(PR_SET_SECUREBITS, 1 << 0 /* SECBIT_NOROOT */ | 1 << 1 /* _LOCKED */, 0, 0, 0)) {
		perror("capdrop: securebits");
		return 1;
	}
	data[0].effective = data[0].permitted = data[0].inheritable = (unsigned int)keep;
	data[1].effective = data[1].permitted = data[1].inheritable = (unsigned int)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data)) {
		perror("capdrop: capset");
		return 1;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)) {
		perror("capdrop: clear ambient");
		return 1;
	}
	for (c = 0; c <= last; c++)
		if ((keep & (1ULL << c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0)) {
			perror("capdrop: raise ambient");
			return 1;
		}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "capdrop: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
