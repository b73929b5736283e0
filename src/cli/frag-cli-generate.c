/* frag-cli-generate.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-cli"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frag-cli.h"
#include "frag-errors.h"
#include "frag-generation.h"
#include "frag-llm-request.h"
#include "frag-model-catalog.h"
#include "frag-prompt.h"
#include "frag-provider-registry.h"
#include "frag-template-catalog.h"

/* E2B Fragments' default model, used when neither --provider nor --model is given. */
#define DEFAULT_PROVIDER "anthropic"
#define DEFAULT_MODEL "claude-sonnet-4-20250514"

/* Exit status of a run interrupted with Ctrl+C, as shells report it. */
#define EXIT_INTERRUPTED 130

typedef struct
{
  char   *provider_id;
  char   *model_id;
  char   *base_url;
  char   *template_id;
  char  **images;
  char   *conversation_id;
  char   *db;
  char   *prompt;
} GenerateOptions;

static void
generate_options_clear (GenerateOptions *options)
{
  g_free (options->provider_id);
  g_free (options->model_id);
  g_free (options->base_url);
  g_free (options->template_id);
  g_strfreev (options->images);
  g_free (options->conversation_id);
  g_free (options->db);
  g_free (options->prompt);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GenerateOptions, generate_options_clear)

/* The live progress line on stderr, and the run's main loop state. */
typedef struct
{
  GMainLoop      *loop;
  GCancellable   *cancellable;
  FragGeneration *generation;
  char           *label;        /* provider/model */
  gint64          started;
  gint64          last_printed;
  gboolean        tty;
  gboolean        line_open;    /* a \r line is on screen without its newline */
  gboolean        interrupted;
  gboolean        ok;
  GError         *error;
} Run;

static char *
describe_progress (Run *run)
{
  g_autofree char *size = g_format_size (frag_generation_get_bytes_received (run->generation));
  gint64 output_tokens = frag_generation_get_output_tokens (run->generation);

  /* Most streams report usage only at the end; until then the number of deltas is
   * close to the number of tokens. */
  if (output_tokens >= 0)
    return g_strdup_printf ("%s: %s received, %" G_GINT64_FORMAT " tokens", run->label, size, output_tokens);
  return g_strdup_printf ("%s: %s received, ~%" G_GUINT64_FORMAT " tokens", run->label, size,
                          frag_generation_get_n_deltas (run->generation));
}

static void
end_progress_line (Run *run)
{
  if (run->line_open)
    {
      fputc ('\n', stderr);
      run->line_open = FALSE;
    }
}

static gboolean
on_progress_tick_cb (gpointer user_data)
{
  Run *run = user_data;
  g_autofree char *line = describe_progress (run);
  gint64 now = g_get_monotonic_time ();

  if (run->tty)
    {
      fprintf (stderr, "\r\033[K%s", line);
      run->line_open = TRUE;
    }
  else if (now - run->last_printed >= 5 * G_TIME_SPAN_SECOND)
    {
      /* Logs and pipes get an occasional plain line, not a stream of \r updates. */
      fprintf (stderr, "%s\n", line);
      run->last_printed = now;
    }
  fflush (stderr);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint_cb (gpointer user_data)
{
  Run *run = user_data;

  run->interrupted = TRUE;
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
generate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  run->ok = frag_provider_generate_finish (FRAG_PROVIDER (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

/* The key for a provider: flag > environment > keyring > default (DESIGN.md). There is
 * no key flag in the CLI's contract and the keyring comes with the keys issue: this is
 * the one place to add it. */
static char *
resolve_api_key (const FragProviderInfo  *info,
                 GError                 **error)
{
  g_autofree char *derived_env = NULL;
  const char *env_name = info->key_env;
  const char *value;

  /* A user-added service's key, by the ecosystem's convention: ID_API_KEY. */
  if (env_name == NULL && info->kind == FRAG_PROVIDER_KIND_OPENAI)
    {
      g_autofree char *upper = g_ascii_strup (info->id, -1);

      g_strdelimit (upper, "-. ", '_');
      env_name = derived_env = g_strconcat (upper, "_API_KEY", NULL);
    }

  value = env_name != NULL ? g_getenv (env_name) : NULL;
  if (value != NULL && *value != '\0')
    return g_strdup (value);

  if (info->key_required)
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_NO_KEY,
                   "No API key for %s: set %s", info->name, env_name);
      return NULL;
    }
  return NULL;
}

/* Which provider and model: the flags, the catalog (a model id names its provider), or
 * E2B Fragments' default. */
static gboolean
resolve_model (GenerateOptions   *options,
               FragModelCatalog  *models,
               int               *status)
{
  if (options->provider_id == NULL && options->model_id == NULL)
    {
      options->provider_id = g_strdup (DEFAULT_PROVIDER);
      options->model_id = g_strdup (DEFAULT_MODEL);
    }
  else if (options->provider_id == NULL)
    {
      FragModel *model = frag_model_catalog_lookup (models, NULL, options->model_id);

      if (model == NULL)
        {
          *status = frag_cli_usage_error ("unknown model '%s': name its provider with --provider",
                                          options->model_id);
          return FALSE;
        }
      options->provider_id = g_strdup (frag_model_get_provider_id (model));
    }
  else if (options->model_id == NULL)
    {
      g_autoptr(GListModel) list = frag_model_catalog_list_for_provider (models, options->provider_id);
      g_autoptr(FragModel) first = g_list_model_get_n_items (list) > 0 ? g_list_model_get_item (list, 0) : NULL;

      if (first == NULL)
        {
          *status = frag_cli_usage_error ("no known model for provider '%s': pass --model",
                                          options->provider_id);
          return FALSE;
        }
      options->model_id = g_strdup (frag_model_get_id (first));
    }
  return TRUE;
}

/* The image types the providers take, by their magic bytes: works without the
 * shared-mime-info database (minimal containers), which g_content_type_guess() needs. */
static const char *
sniff_image_type (const guchar *data,
                  gsize         length)
{
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "image/jpeg";
  if (length >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return "image/gif";
  if (length >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  return NULL;
}

static gboolean
add_images (FragLlmMessage   *message,
            GenerateOptions  *options,
            FragModelCatalog *models,
            int              *status)
{
  FragModel *model;

  if (options->images == NULL || options->images[0] == NULL)
    return TRUE;

  model = frag_model_catalog_lookup (models, options->provider_id, options->model_id);
  if (model != NULL && !frag_model_get_multi_modal (model))
    g_printerr ("frag: warning: %s/%s is not marked multimodal; sending the image anyway\n",
                options->provider_id, options->model_id);

  for (guint i = 0; options->images[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *content_type = NULL;
      g_autofree char *mime_type = NULL;
      g_autoptr(GBytes) bytes = NULL;
      gsize length = 0;

      if (!g_file_get_contents (options->images[i], &contents, &length, &error))
        {
          *status = frag_cli_usage_error ("cannot read image: %s", error->message);
          return FALSE;
        }
      mime_type = g_strdup (sniff_image_type ((const guchar *)contents, length));
      if (mime_type == NULL)
        {
          content_type = g_content_type_guess (options->images[i], (const guchar *)contents, length, NULL);
          mime_type = g_content_type_get_mime_type (content_type);
        }
      if (mime_type == NULL || !g_str_has_prefix (mime_type, "image/"))
        {
          *status = frag_cli_usage_error ("'%s' is not an image (%s)", options->images[i],
                                          mime_type != NULL ? mime_type : "unknown type");
          return FALSE;
        }
      bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
      frag_llm_message_add_image (message, mime_type, bytes);
    }
  return TRUE;
}

static void
print_summary (Run *run)
{
  g_autofree char *size = g_format_size (frag_generation_get_bytes_received (run->generation));
  double seconds = (g_get_monotonic_time () - run->started) / (double)G_TIME_SPAN_SECOND;
  gint64 input_tokens = frag_generation_get_input_tokens (run->generation);
  gint64 output_tokens = frag_generation_get_output_tokens (run->generation);
  g_autofree char *tokens = NULL;

  if (input_tokens >= 0 || output_tokens >= 0)
    tokens = g_strdup_printf (", %" G_GINT64_FORMAT " input / %" G_GINT64_FORMAT " output tokens",
                              MAX (input_tokens, 0), MAX (output_tokens, 0));
  end_progress_line (run);
  g_printerr ("%s: done in %.1f s, %s received%s\n", run->label, seconds, size,
              tokens != NULL ? tokens : "");
}

/* Streams the request and waits for it, showing progress. */
static void
run_generation (Run            *run,
                FragProvider   *provider,
                FragLlmRequest *request)
{
  guint tick_id;
  guint sigint_id;

  run->started = g_get_monotonic_time ();
  run->last_printed = run->started;
  run->tty = isatty (STDERR_FILENO);
  if (!run->tty)
    g_printerr ("%s: generating…\n", run->label);

  tick_id = g_timeout_add (run->tty ? 100 : 1000, on_progress_tick_cb, run);
  sigint_id = g_unix_signal_add (SIGINT, on_sigint_cb, run);
  frag_provider_generate_async (provider, request, run->generation, run->cancellable, generate_cb, run);
  g_main_loop_run (run->loop);
  g_source_remove (tick_id);
  g_source_remove (sigint_id);
  end_progress_line (run);
}

static int
finish_run (Run                 *run,
            const char * const  *known_templates)
{
  g_autoptr(FragFragment) fragment = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (run->interrupted)
    {
      g_printerr ("frag: interrupted\n");
      return EXIT_INTERRUPTED;
    }
  if (!run->ok)
    return frag_cli_report_error (run->error);

  fragment = frag_generation_dup_fragment (run->generation, known_templates, &error);
  if (fragment == NULL)
    {
      gsize length = 0;
      const char *raw = frag_generation_get_raw_text (run->generation, &length);

      /* The output as it came, so the user can see what went wrong; the error stays the
       * last line. */
      end_progress_line (run);
      g_printerr ("frag: the model's output was:\n%s\n", length > 0 ? raw : "(nothing)");
      return frag_cli_report_error (error);
    }

  print_summary (run);
  /* Storing the exchange in the history (issue 5) goes here: the user message was to be
   * written before the request, the fragment and usage after it. */
  json = frag_fragment_to_json (fragment, TRUE);
  g_print ("%s\n", json);
  fflush (stdout);
  return FRAG_EXIT_OK;
}

static int
generate (GenerateOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) user_file_error = NULL;
  g_autoptr(FragModelCatalog) models = NULL;
  g_autoptr(FragTemplateCatalog) templates = NULL;
  g_autoptr(FragProviderRegistry) registry = NULL;
  g_autoptr(FragProvider) provider = NULL;
  g_autoptr(FragLlmRequest) request = NULL;
  g_autoptr(FragLlmMessage) message = NULL;
  g_autoptr(JsonNode) schema = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(FragGeneration) generation = NULL;
  g_autofree char *system_prompt = NULL;
  g_autofree char *api_key = NULL;
  const FragProviderInfo *info;
  Run run = { 0 };
  int status = FRAG_EXIT_OK;

  models = frag_model_catalog_new (NULL, &user_file_error);
  if (user_file_error != NULL)
    g_printerr ("frag: warning: %s\n", user_file_error->message);
  g_clear_error (&user_file_error);
  templates = frag_template_catalog_new (NULL, &user_file_error);
  if (user_file_error != NULL)
    g_printerr ("frag: warning: %s\n", user_file_error->message);

  if (!resolve_model (options, models, &status))
    return status;

  registry = frag_provider_registry_new (NULL);
  info = frag_provider_registry_lookup (registry, options->provider_id);
  if (info == NULL && options->base_url != NULL)
    {
      /* An OpenAI-compatible service of the user's, named on the command line. */
      frag_provider_registry_add_openai_compatible (registry, options->provider_id, options->provider_id,
                                                    options->base_url, NULL);
      info = frag_provider_registry_lookup (registry, options->provider_id);
    }
  if (info == NULL)
    return frag_cli_usage_error ("unknown provider '%s' (see 'frag models'; an OpenAI-compatible "
                                 "service also needs --base-url)", options->provider_id);

  system_prompt = frag_prompt_build_system (templates, options->template_id, &error);
  if (system_prompt == NULL)
    return frag_cli_usage_error ("%s", error->message);

  api_key = resolve_api_key (info, &error);
  if (error != NULL)
    return frag_cli_report_error (error);

  provider = frag_provider_registry_create (registry, options->provider_id, options->base_url, &error);
  if (provider == NULL)
    return frag_cli_usage_error ("%s", error->message);

  message = frag_llm_message_new (FRAG_LLM_ROLE_USER);
  frag_llm_message_add_text (message, options->prompt);
  if (!add_images (message, options, models, &status))
    return status;

  /* --conversation continues a stored conversation: its earlier turns come from the
   * history store (issue 5) and are added here, before the new prompt. */
  schema = frag_prompt_dup_fragment_schema ();
  request = frag_llm_request_new (options->provider_id, options->model_id);
  frag_llm_request_set_system_prompt (request, system_prompt);
  frag_llm_request_add_message (request, message);
  frag_llm_request_set_schema (request, schema);
  frag_llm_request_set_api_key (request, api_key);
  if (api_key != NULL)
    explicit_bzero (api_key, strlen (api_key));

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  generation = frag_generation_new ();
  run.loop = loop;
  run.cancellable = cancellable;
  run.generation = generation;
  run.label = g_strdup_printf ("%s/%s", options->provider_id, options->model_id);

  run_generation (&run, provider, request);
  status = finish_run (&run, frag_template_catalog_get_ids (templates));

  g_clear_error (&run.error);
  g_free (run.label);
  return status;
}

int
frag_cli_generate (int    argc,
                   char **argv)
{
  g_auto(GenerateOptions) options = { 0 };
  g_auto(GStrv) rest = NULL;
  g_autoptr(GOptionContext) context = NULL;
  int status = FRAG_EXIT_OK;
  const GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &options.provider_id,
      "Provider id (openai, anthropic, google, mistral, groq, fireworks, togetherai, xai, deepseek, "
      "ollama, …)", "P" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &options.model_id, "Model id (see 'frag models')", "M" },
    { "base-url", 0, 0, G_OPTION_ARG_STRING, &options.base_url,
      "Replace the provider's base URL (the part before the endpoint path)", "URL" },
    { "template", 0, 0, G_OPTION_ARG_STRING, &options.template_id,
      "Template id, or 'auto' to let the model choose (default)", "T" },
    { "image", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.images,
      "Attach an image (repeatable)", "FILE" },
    { "conversation", 0, 0, G_OPTION_ARG_STRING, &options.conversation_id,
      "Continue a stored conversation", "ID" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options.db, "History database", "PATH" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, "PROMPT" },
    { NULL }
  };

  context = g_option_context_new ("PROMPT");
  g_option_context_set_summary (context,
                                "Ask a model for a fragment. Progress goes to stderr; the fragment\n"
                                "JSON goes to stdout. Exit status: 0 ok, 2 usage, 3 authentication,\n"
                                "4 rate limit, 5 network/server, 6 bad model output.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!frag_cli_parse_options (context, &argc, &argv, &status))
    return status;

  if (rest == NULL || rest[0] == NULL)
    return frag_cli_usage_error ("missing PROMPT");
  /* An unquoted prompt arrives as several words. */
  options.prompt = g_strjoinv (" ", rest);
  if (*g_strstrip (options.prompt) == '\0')
    return frag_cli_usage_error ("the prompt is empty");
  if (options.template_id == NULL)
    options.template_id = g_strdup (FRAG_PROMPT_TEMPLATE_AUTO);

  /* Where the exchange will be stored (the history store comes with issue 5). */
  g_free (options.db);
  options.db = frag_cli_db_path (options.db);

  return generate (&options);
}
