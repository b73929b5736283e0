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
#include "frag-conversation.h"
#include "frag-e2b-sandbox.h"
#include "frag-errors.h"
#include "frag-history-store.h"
#include "frag-local-sandbox.h"
#include "frag-model-catalog.h"
#include "frag-prompt.h"
#include "frag-provider-registry.h"
#include "frag-secret-keyring.h"
#include "frag-template-catalog.h"

/* `frag generate` drives the same FragConversation as the window: the prompt is stored
 * in the history first, the fragment streams (progress on stderr), is stored as a
 * version and, with --run, runs in a sandbox (started while the code still streams)
 * whose result is stored too. stdout: the fragment JSON; with --run, then the result
 * JSON on one line. */

/* E2B Fragments' default model, used when neither --provider nor --model is given. */
#define DEFAULT_PROVIDER "anthropic"
#define DEFAULT_MODEL "claude-sonnet-4-20250514"

/* Exit status of a run interrupted with Ctrl+C, as shells report it. */
#define EXIT_INTERRUPTED 130

/* An unanswered keyring (a locked collection nobody unlocks) must not hang a script. */
#define KEYRING_TIMEOUT_MS 5000

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
  gboolean run;
  char   *backend;
  gboolean db_given;
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
  g_free (options->backend);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GenerateOptions, generate_options_clear)

/* The live progress line on stderr, and the run's main loop state. */
typedef struct
{
  GMainLoop        *loop;
  FragConversation *conversation;
  char             *label;        /* provider/model */
  gint64            started;
  gint64            last_printed;
  gboolean          tty;
  gboolean          line_open;    /* a \r line is on screen without its newline */
  gboolean          interrupted;
  gboolean          ok;
  GError           *error;
} Run;

static char *
describe_progress (Run *run)
{
  FragGeneration *generation = frag_conversation_get_generation (run->conversation);
  g_autofree char *size = NULL;
  gint64 output_tokens;

  if (generation == NULL)
    return g_strdup_printf ("%s: sending…", run->label);
  if (frag_conversation_get_phase (run->conversation) == FRAG_CONVERSATION_PHASE_WAITING_TO_RETRY)
    return g_strdup_printf ("%s: %s", run->label, frag_conversation_get_phase_detail (run->conversation));

  size = g_format_size (frag_generation_get_bytes_received (generation));
  output_tokens = frag_generation_get_output_tokens (generation);
  /* Most streams report usage only at the end; until then the number of deltas is
   * close to the number of tokens. */
  if (output_tokens >= 0)
    return g_strdup_printf ("%s: %s received, %" G_GINT64_FORMAT " tokens", run->label, size, output_tokens);
  return g_strdup_printf ("%s: %s received, ~%" G_GUINT64_FORMAT " tokens", run->label, size,
                          frag_generation_get_n_deltas (generation));
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
streaming (Run *run)
{
  FragConversationPhase phase = frag_conversation_get_phase (run->conversation);

  return phase == FRAG_CONVERSATION_PHASE_SENDING || phase == FRAG_CONVERSATION_PHASE_STREAMING ||
         phase == FRAG_CONVERSATION_PHASE_WAITING_TO_RETRY;
}

static gboolean
on_progress_tick_cb (gpointer user_data)
{
  Run *run = user_data;
  g_autofree char *line = NULL;
  gint64 now = g_get_monotonic_time ();

  /* The sandbox's steps print their own lines. */
  if (!streaming (run))
    return G_SOURCE_CONTINUE;
  line = describe_progress (run);
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

/* With --run: the sandbox's steps, as `frag run` prints them. */
static void
on_phase_cb (FragConversation *conversation,
             GParamSpec       *pspec,
             Run              *run)
{
  FragConversationPhase phase = frag_conversation_get_phase (conversation);
  const char *detail = frag_conversation_get_phase_detail (conversation);

  if (phase != FRAG_CONVERSATION_PHASE_PREPARING_SANDBOX && phase != FRAG_CONVERSATION_PHASE_INSTALLING &&
      phase != FRAG_CONVERSATION_PHASE_RUNNING && phase != FRAG_CONVERSATION_PHASE_WAITING_FOR_PORT)
    return;
  end_progress_line (run);
  if (detail != NULL)
    g_printerr ("[%s] %s\n", frag_conversation_phase_to_string (phase), detail);
  else
    g_printerr ("[%s]\n", frag_conversation_phase_to_string (phase));
}

static void
on_log_cb (FragConversation  *conversation,
           FragSandboxStream  stream,
           const char        *line,
           Run               *run)
{
  end_progress_line (run);
  g_printerr ("%s %s\n", stream == FRAG_SANDBOX_STREAM_STDOUT ? "|" : "!", line);
}

static gboolean
on_sigint_cb (gpointer user_data)
{
  Run *run = user_data;

  run->interrupted = TRUE;
  frag_conversation_stop (run->conversation);
  return G_SOURCE_CONTINUE;
}

static void
send_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->ok = frag_conversation_send_finish (FRAG_CONVERSATION (object), result, &run->error);
  g_main_loop_quit (run->loop);
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
/* --base-url is typed by the user: a value that is not an absolute http(s) URL with a
 * host is a usage error (2), not a network failure found later when the request goes out. */
static gboolean
base_url_is_usable (const char *base_url)
{
  g_autoptr(GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0;
}

/* The images, as attachments of the stored prompt (and parts of the request). */
static gboolean
read_images (GenerateOptions   *options,
             FragModelCatalog  *models,
             GPtrArray         *attachments,
             int               *status)
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
      mime_type = g_strdup (frag_attachment_sniff_image_type ((const guchar *)contents, length));
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
      g_ptr_array_add (attachments, frag_attachment_new (mime_type, bytes));
    }
  return TRUE;
}

static void
print_summary (Run *run)
{
  FragGeneration *generation = frag_conversation_get_generation (run->conversation);
  g_autofree char *size = g_format_size (frag_generation_get_bytes_received (generation));
  double seconds = (g_get_monotonic_time () - run->started) / (double)G_TIME_SPAN_SECOND;
  gint64 input_tokens = frag_generation_get_input_tokens (generation);
  gint64 output_tokens = frag_generation_get_output_tokens (generation);
  g_autofree char *tokens = NULL;

  if (input_tokens >= 0 || output_tokens >= 0)
    tokens = g_strdup_printf (", %" G_GINT64_FORMAT " input / %" G_GINT64_FORMAT " output tokens",
                              MAX (input_tokens, 0), MAX (output_tokens, 0));
  end_progress_line (run);
  g_printerr ("%s: done in %.1f s, %s received%s; conversation %" G_GINT64_FORMAT "\n", run->label, seconds,
              size, tokens != NULL ? tokens : "", frag_conversation_get_id (run->conversation));
}

/* Sends the prompt and waits for the turn, showing progress. */
static void
run_turn (Run        *run,
          const char *prompt,
          GPtrArray  *attachments)
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
  frag_conversation_send_async (run->conversation, prompt, attachments, NULL, send_cb, run);
  g_main_loop_run (run->loop);
  g_source_remove (tick_id);
  g_source_remove (sigint_id);
  end_progress_line (run);
}

/* One line, flushed at once, as `frag run` prints it. */
static void
print_result_line (FragResult *result)
{
  g_autofree char *json = frag_result_to_json (result, FALSE);

  fputs (json, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static int
finish_turn (Run *run)
{
  FragConversation *conversation = run->conversation;
  FragFragment *fragment = frag_conversation_get_fragment (conversation);
  FragResult *result = frag_conversation_get_result (conversation);
  FragGeneration *generation = frag_conversation_get_generation (conversation);

  if (run->interrupted)
    {
      g_printerr ("frag: interrupted\n");
      return EXIT_INTERRUPTED;
    }

  if (!run->ok && g_error_matches (run->error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT) &&
      generation != NULL)
    {
      gsize length = 0;
      const char *raw = frag_generation_get_raw_text (generation, &length);

      /* The output as it came, so the user can see what went wrong; the error stays the
       * last line. */
      g_printerr ("frag: the model's output was:\n%s\n", length > 0 ? raw : "(nothing)");
      return frag_cli_report_error (run->error);
    }
  /* A failure before the fragment was whole: nothing for stdout. */
  if (!run->ok && (fragment == NULL || run->error->domain != FRAG_SANDBOX_ERROR))
    return frag_cli_report_error (run->error);

  if (generation != NULL)
    print_summary (run);
  {
    g_autofree char *json = frag_fragment_to_json (fragment, TRUE);

    g_print ("%s\n", json);
    fflush (stdout);
  }
  if (!run->ok)
    return frag_cli_report_error (run->error);

  if (result != NULL)
    {
      print_result_line (result);
      if (frag_result_failed (result))
        {
          if (frag_result_has_error (result))
            g_printerr ("frag: %s: %s\n", frag_result_get_error_name (result), frag_result_get_error_value (result));
          else
            g_printerr ("frag: the code exited with status %d\n", frag_result_get_exit_code (result));
          return FRAG_EXIT_SANDBOX;
        }
    }
  return FRAG_EXIT_OK;
}

/* The sandbox for --run. E2B's key: environment, then the keyring (DESIGN.md); without
 * one the backend itself reports the missing key when it is first used. */
static FragSandbox *
create_sandbox (const char  *backend,
                FragKeyring *keyring)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  FragSandbox *sandbox;
  GAsyncResult *slot = NULL;
  char *key;

  if (backend == NULL || g_str_equal (backend, "local"))
    return FRAG_SANDBOX (frag_local_sandbox_new ());

  frag_keyring_resolve_key_async (keyring, "e2b", NULL, NULL, frag_cli_store_result_cb, &slot);
  result = frag_cli_wait_for_result (&slot);
  key = frag_keyring_resolve_key_finish (result, NULL, &error);
  if (key == NULL)
    g_debug ("No E2B key: %s", error->message);
  sandbox = FRAG_SANDBOX (frag_e2b_sandbox_new_from_environment (key, NULL));
  frag_keyring_free_key (key);
  return sandbox;
}

static gboolean
load_conversation (FragConversation  *conversation,
                   const char        *id_text,
                   int               *status)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;
  guint64 id = 0;

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      *status = frag_cli_usage_error ("--conversation takes a conversation id, as 'frag history list' shows them");
      return FALSE;
    }
  frag_conversation_load_async (conversation, (gint64)id, NULL, frag_cli_store_result_cb, &slot);
  result = frag_cli_wait_for_result (&slot);
  if (!frag_conversation_load_finish (conversation, result, &error))
    {
      *status = frag_cli_report_error (error);
      return FALSE;
    }
  return TRUE;
}

static void
close_conversation (FragConversation *conversation)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  /* Kills the sandbox: `frag run` is the command that keeps an app serving. */
  frag_conversation_close_async (conversation, frag_cli_store_result_cb, &slot);
  result = frag_cli_wait_for_result (&slot);
  if (!frag_conversation_close_finish (conversation, result, &error))
    g_printerr ("[kill] %s\n", error->message);
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
  g_autoptr(FragHistoryStore) store = NULL;
  g_autoptr(FragSecretKeyring) keyring = NULL;
  g_autoptr(FragSandbox) sandbox = NULL;
  g_autoptr(FragConversation) conversation = NULL;
  g_autoptr(GPtrArray) attachments = g_ptr_array_new_with_free_func ((GDestroyNotify)frag_attachment_free);
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *system_prompt = NULL;
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

  if (options->base_url != NULL && !base_url_is_usable (options->base_url))
    return frag_cli_usage_error ("--base-url needs an http:// or https:// URL, not '%s'",
                                 options->base_url);

  if (!resolve_model (options, models, &status))
    return status;

  registry = frag_provider_registry_new (NULL);
  /* The services added in the app's Preferences; a bad file only loses those. */
  {
    g_autoptr(GError) user_error = NULL;
    g_autoptr(GPtrArray) user_providers = frag_provider_registry_load_user_file (registry, NULL, &user_error);

    if (user_providers == NULL)
      g_printerr ("frag: warning: your providers were not loaded: %s\n", user_error->message);
  }
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

  /* Checked here so a wrong --template is a usage error before anything is stored. */
  system_prompt = frag_prompt_build_system (templates, options->template_id, &error);
  if (system_prompt == NULL)
    return frag_cli_usage_error ("%s", error->message);

  provider = frag_provider_registry_create (registry, options->provider_id, options->base_url, &error);
  if (provider == NULL)
    return frag_cli_usage_error ("%s", error->message);

  if (!read_images (options, models, attachments, &status))
    return status;

  store = frag_cli_open_history (options->db, &error);
  if (store == NULL && (options->db_given || options->conversation_id != NULL))
    return frag_cli_report_error (error);
  if (store == NULL)
    {
      /* The default location is unusable (a read-only or absent home): generating
       * still works, it is only not remembered. */
      g_printerr ("frag: warning: %s; this exchange will not be stored\n", error->message);
      g_clear_error (&error);
      store = frag_cli_open_history (":memory:", &error);
      if (store == NULL)
        return frag_cli_report_error (error);
    }

  /* A keyless local service (Ollama) never needs the keyring: no D-Bus round trip. */
  if (info->key_required || info->key_env != NULL || info->kind == FRAG_PROVIDER_KIND_OPENAI)
    {
      keyring = frag_secret_keyring_new ();
      frag_secret_keyring_set_timeout (keyring, KEYRING_TIMEOUT_MS);
    }
  if (options->run)
    sandbox = create_sandbox (options->backend, FRAG_KEYRING (keyring));

  conversation = frag_conversation_new (provider, sandbox, FRAG_HISTORY (store), FRAG_KEYRING (keyring),
                                        templates);
  frag_conversation_set_provider (conversation, provider, options->provider_id, options->model_id);
  frag_conversation_set_template_id (conversation, options->template_id);
  frag_conversation_set_api_key_required (conversation, info->key_required);
  /* A script waits on us with no countdown to look at: retry a transient failure
   * quickly, and report a server that asks for a long pause (Retry-After) at once,
   * with the delay in the message, instead of sleeping through it. */
  frag_conversation_set_retry_policy (conversation, 2, 500, 1.0);
  frag_conversation_set_retry_max_delay (conversation, 5000);

  if (options->conversation_id != NULL &&
      !load_conversation (conversation, options->conversation_id, &status))
    {
      frag_cli_close_history (store);
      return status;
    }

  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.conversation = conversation;
  run.label = g_strdup_printf ("%s/%s", options->provider_id, options->model_id);
  g_signal_connect (conversation, "notify::phase", G_CALLBACK (on_phase_cb), &run);
  g_signal_connect (conversation, "log", G_CALLBACK (on_log_cb), &run);

  run_turn (&run, options->prompt, attachments);
  status = finish_turn (&run);

  g_signal_handlers_disconnect_by_data (conversation, &run);
  close_conversation (conversation);
  frag_cli_close_history (store);
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
  char *db;
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
    { "run", 0, 0, G_OPTION_ARG_NONE, &options.run,
      "Run the fragment too (the sandbox starts while the code streams); print its result JSON", NULL },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &options.backend,
      "With --run: local (default, bubblewrap on this computer) or e2b", "BACKEND" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, "PROMPT" },
    { NULL }
  };

  context = g_option_context_new (NULL); /* G_OPTION_REMAINING names PROMPT */
  g_option_context_set_summary (context,
                                "Ask a model for a fragment and store the exchange in the history.\n"
                                "Progress goes to stderr; the fragment JSON goes to stdout, and with\n"
                                "--run the execution result JSON follows on one line. Exit status:\n"
                                "0 ok, 2 usage, 3 authentication, 4 rate limit, 5 network/server,\n"
                                "6 bad model output, 7 sandbox error or the code failed.");
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
  if (options.backend != NULL && !options.run)
    return frag_cli_usage_error ("--backend goes with --run");
  if (options.backend != NULL && !g_str_equal (options.backend, "local") && !g_str_equal (options.backend, "e2b"))
    return frag_cli_usage_error ("unknown backend '%s' (local or e2b)", options.backend);

  options.db_given = options.db != NULL;
  db = frag_cli_db_path (options.db);
  g_free (options.db);
  options.db = db;

  return generate (&options);
}
