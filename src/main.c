// SPDX-License-Identifier: GPL-2.0
/* scry: parse the options, run the command. */
#include "scry/cli.h"

int main(int argc, char **argv)
{
	struct scry_opts o;
	int rc;

	rc = cli__parse(argc, argv, &o);
	if (rc)
		return rc > 0 ? SCRY_EXIT_OK : SCRY_EXIT_USAGE;
	rc = cmd_run(&o);
	cli__free(&o);
	if (rc < 0)
		return SCRY_EXIT_ERROR;
	return rc;
}
