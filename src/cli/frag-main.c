/* frag-main.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "frag-cli.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} FragCommand;

static const FragCommand commands[] = {
  { "generate", frag_cli_generate, "Ask a model for a fragment (JSON on stdout)" },
  { "run",      frag_cli_run,      "Run a fragment in a sandbox (result JSON on stdout)" },
  { "history",  frag_cli_history,  "List, show, search, export or delete conversations" },
  { "keys",     frag_cli_keys,     "Store, delete or list API keys in the system keyring" },
  { "models",   frag_cli_models,   "List providers and models" },
};

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage: frag COMMAND [OPTIONS] [ARGS]\n"
           "\n"
           "Fragment Studio from the command line: generate fragments with a language\n"
           "model, run them in a sandbox, and browse the history.\n"
           "\n"
           "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "\n"
           "Run 'frag COMMAND --help' for the options of a command.\n"
           "Exit status: 0 ok, 2 usage, 3 authentication, 4 rate limit,\n"
           "5 network/server, 6 bad model output, 7 sandbox/run error, 1 other.\n");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  /* GOption's --help prints the program name: "frag run", not just "frag". */
  if (argc >= 2 && argv[1][0] != '-')
    {
      g_autofree char *prgname = g_strdup_printf ("frag %s", argv[1]);

      g_set_prgname (prgname);
    }
  else
    g_set_prgname ("frag");

  if (argc < 2)
    {
      print_help (stderr);
      return FRAG_EXIT_USAGE;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      print_help (stdout);
      return FRAG_EXIT_OK;
    }

  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("frag %s\n", PACKAGE_VERSION);
      return FRAG_EXIT_OK;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          g_autofree char *name = g_strdup_printf ("frag %s", commands[i].name);
          char **sub_argv = g_new0 (char *, argc);
          int status;

          /* The subcommand sees its own name as argv[0] so GOption's --help reads well. */
          sub_argv[0] = name;
          for (int i_arg = 2; i_arg < argc; i_arg++)
            sub_argv[i_arg - 1] = argv[i_arg];
          status = commands[i].run (argc - 1, sub_argv);
          g_free (sub_argv);
          return status;
        }
    }

  return frag_cli_usage_error ("unknown command '%s'", argv[1]);
}
