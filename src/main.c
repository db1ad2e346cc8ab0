// SPDX-License-Identifier: GPL-2.0
/* scry: parse the options, run the command. */
#include <errno.h>

#include "scry/cli.h"

int main(int argc, char **argv)
{
	struct scry_opts o;
	int rc;

	rc = cli__parse(argc, argv, &o);
	if (!rc)
		rc = cmd_run(&o);
	else if (rc > 0)
		rc = SCRY_EXIT_OK;	/* --help, --version */
	else if (rc != -ENOMEM)
		rc = SCRY_EXIT_USAGE;
	cli__free(&o);
	return rc < 0 ? SCRY_EXIT_ERROR : rc;
}
