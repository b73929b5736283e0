/* frag-cli-run.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include "frag-cli.h"

/* Placeholder until its issue lands: says so plainly instead of pretending. */
int
frag_cli_run (int    argc,
             char **argv)
{
  g_printerr ("frag: 'run' is not available in this build yet\n");
  return FRAG_EXIT_FAILURE;
}
