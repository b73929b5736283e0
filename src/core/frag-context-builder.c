/* frag-context-builder.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-context"

#include "config.h"

#include "frag-context-builder.h"
#include "frag-message.h"

/* Room left for the model's answer inside its window. */
#define ANSWER_RESERVE_TOKENS 8192

static const struct
{
  const char *prefix;
  guint       window;
} model_windows[] = {
  { "gpt-4o", 128000 },
  { "gpt-4.1", 1000000 },
  { "gpt-4-turbo", 128000 },
  { "gpt-5", 400000 },
  { "o1", 200000 },
  { "o3", 200000 },
  { "o4", 200000 },
  { "claude", 200000 },
  { "gemini", 1000000 },
  { "models/gemini", 1000000 },
  { "mistral-large", 128000 },
  { "codestral", 256000 },
  { "llama-3", 128000 },
  { "meta-llama/llama-3", 128000 },
  { "deepseek", 64000 },
  { "grok", 128000 },
  { "accounts/fireworks/models/", 128000 },
};

guint
frag_context_estimate_tokens (const char *text)
{
  if (text == NULL)
    return 0;
  return (guint)((g_utf8_strlen (text, -1) + 3) / 4);
}

guint
frag_context_budget_for_model (const char *model_id)
{
  if (model_id == NULL)
    return FRAG_CONTEXT_DEFAULT_BUDGET_TOKENS;

  for (guint i = 0; i < G_N_ELEMENTS (model_windows); i++)
    if (g_str_has_prefix (model_id, model_windows[i].prefix))
      return model_windows[i].window - ANSWER_RESERVE_TOKENS;
  return FRAG_CONTEXT_DEFAULT_BUDGET_TOKENS;
}

/* One turn as it will be sent, with its size estimate. */
typedef struct
{
  FragLlmMessage *message;
  guint           tokens;
  gboolean        keep;     /* the newest prompt and the turn with the current code */
  guint           n_sources;
} Turn;

static void
turn_clear (gpointer data)
{
  Turn *turn = data;

  g_clear_pointer (&turn->message, frag_llm_message_unref);
}

static void
turn_add_text (Turn       *turn,
               const char *text)
{
  frag_llm_message_add_text (turn->message, text);
  turn->tokens += frag_context_estimate_tokens (text);
}

static char *
describe_code (FragFragment *fragment)
{
  GPtrArray *files = frag_fragment_get_files (fragment);
  GString *code = g_string_new (NULL);

  if (files->len == 1)
    {
      FragFragmentFile *file = g_ptr_array_index (files, 0);

      return g_strdup (file->code != NULL ? file->code : "");
    }
  for (guint i = 0; i < files->len; i++)
    {
      FragFragmentFile *file = g_ptr_array_index (files, i);

      g_string_append_printf (code, "%s// %s\n%s\n", i > 0 ? "\n" : "", file->file_path,
                              file->code != NULL ? file->code : "");
    }
  return g_string_free (code, FALSE);
}

static char *
summarise_fragment (FragFragment *fragment)
{
  const char *title = frag_fragment_get_title (fragment);
  const char *description = frag_fragment_get_description (fragment);
  const char *file_path = frag_fragment_get_file_path (fragment);

  return g_strdup_printf ("[Earlier fragment \"%s\": %s (%s, template %s); its code is "
                          "superseded by the newer one]",
                          title != NULL ? title : "untitled",
                          description != NULL ? description : "",
                          file_path != NULL ? file_path : "several files",
                          frag_fragment_get_template (fragment) != NULL
                            ? frag_fragment_get_template (fragment) : "unknown");
}

static gboolean
is_usable_answer (FragMessage *message)
{
  return frag_message_get_role (message) == FRAG_MESSAGE_ROLE_ASSISTANT &&
         frag_message_get_state (message) == FRAG_MESSAGE_STATE_COMPLETE;
}

/* Index of the newest answer with a fragment, or -1. */
static int
find_latest_fragment (GListModel *messages)
{
  for (guint i = g_list_model_get_n_items (messages); i > 0; i--)
    {
      g_autoptr(FragMessage) message = g_list_model_get_item (messages, i - 1);

      if (is_usable_answer (message) && frag_message_get_fragment (message) != NULL)
        return (int)i - 1;
    }
  return -1;
}

static Turn *
open_turn (GArray      *turns,
           FragLlmRole  role)
{
  Turn *last = turns->len > 0 ? &g_array_index (turns, Turn, turns->len - 1) : NULL;
  Turn fresh = { 0 };

  /* Prompts whose answer failed are joined to the next one: turns must alternate. */
  if (last != NULL && frag_llm_message_get_role (last->message) == role)
    {
      last->n_sources++;
      return last;
    }
  fresh.message = frag_llm_message_new (role);
  fresh.n_sources = 1;
  g_array_append_val (turns, fresh);
  return &g_array_index (turns, Turn, turns->len - 1);
}

static void
add_user_turn (GArray      *turns,
               FragMessage *message,
               gboolean     newest)
{
  Turn *turn = open_turn (turns, FRAG_LLM_ROLE_USER);
  GPtrArray *attachments = frag_message_get_attachments (message);

  turn_add_text (turn, frag_message_get_text (message));
  if (newest)
    {
      turn->keep = TRUE;
      for (guint i = 0; i < attachments->len; i++)
        {
          FragAttachment *attachment = g_ptr_array_index (attachments, i);

          frag_llm_message_add_image (turn->message, attachment->mime_type, attachment->data);
          /* Providers bill images by size, roughly like text of a few hundred words. */
          turn->tokens += 1000;
        }
    }
  else if (attachments->len > 0)
    {
      g_autofree char *note = g_strdup_printf ("[%u image(s) were attached here]", attachments->len);

      turn_add_text (turn, note);
    }
}

static void
add_assistant_turn (GArray       *turns,
                    FragMessage  *message,
                    gboolean      latest,
                    FragFragment *current,
                    gboolean      current_is_edit)
{
  Turn *turn = open_turn (turns, FRAG_LLM_ROLE_ASSISTANT);
  FragFragment *fragment = frag_message_get_fragment (message);
  const char *commentary = frag_message_get_text (message);

  if (fragment != NULL && frag_fragment_get_commentary (fragment) != NULL)
    commentary = frag_fragment_get_commentary (fragment);
  turn_add_text (turn, commentary);

  if (fragment == NULL)
    return;
  if (latest)
    {
      g_autofree char *code = describe_code (current != NULL ? current : fragment);

      turn->keep = TRUE;
      if (current != NULL && current_is_edit)
        turn_add_text (turn, "[The user has since edited the code; this is the current version]");
      turn_add_text (turn, code);
    }
  else
    {
      g_autofree char *summary = summarise_fragment (fragment);

      turn_add_text (turn, summary);
    }
}

guint
frag_context_build (FragLlmRequest *request,
                    GListModel     *messages,
                    FragFragment   *current,
                    gboolean        current_is_edit,
                    guint           budget_tokens)
{
  g_autoptr(GArray) turns = g_array_new (FALSE, TRUE, sizeof (Turn));
  guint n_items = g_list_model_get_n_items (messages);
  int latest_fragment = find_latest_fragment (messages);
  guint total = frag_context_estimate_tokens (frag_llm_request_get_system_prompt (request));
  guint first = 0;
  guint n_dropped = 0;
  guint newest_prompt = G_MAXUINT;

  g_return_val_if_fail (FRAG_IS_LLM_REQUEST (request), 0);
  g_return_val_if_fail (G_IS_LIST_MODEL (messages), 0);

  g_array_set_clear_func (turns, turn_clear);

  /* The newest prompt (an answer being streamed for it may follow). */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(FragMessage) message = g_list_model_get_item (messages, i);

      if (frag_message_get_role (message) == FRAG_MESSAGE_ROLE_USER)
        newest_prompt = i;
    }

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(FragMessage) message = g_list_model_get_item (messages, i);

      if (frag_message_get_role (message) == FRAG_MESSAGE_ROLE_USER)
        add_user_turn (turns, message, i == newest_prompt);
      else if (is_usable_answer (message))
        add_assistant_turn (turns, message, (int)i == latest_fragment, current, current_is_edit);
    }

  for (guint i = 0; i < turns->len; i++)
    total += g_array_index (turns, Turn, i).tokens;

  /* Drop whole turns from the start; a context must begin with a user turn, so an
   * assistant turn left first goes too. Turns marked keep never go. */
  while (first < turns->len && total > budget_tokens)
    {
      Turn *turn = &g_array_index (turns, Turn, first);

      if (turn->keep)
        break;
      total -= turn->tokens;
      n_dropped += turn->n_sources;
      first++;
      if (first < turns->len)
        {
          Turn *next = &g_array_index (turns, Turn, first);

          if (frag_llm_message_get_role (next->message) == FRAG_LLM_ROLE_ASSISTANT && !next->keep)
            {
              total -= next->tokens;
              n_dropped += next->n_sources;
              first++;
            }
        }
    }

  for (guint i = first; i < turns->len; i++)
    frag_llm_request_add_message (request, g_array_index (turns, Turn, i).message);

  if (n_dropped > 0)
    g_debug ("Left %u old message(s) out of the context (budget %u tokens)", n_dropped, budget_tokens);
  return n_dropped;
}
