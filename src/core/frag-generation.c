/* frag-generation.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-generation"

#include "config.h"

#include "frag-errors.h"
#include "frag-generation.h"

struct _FragGeneration
{
  GObject          parent_instance;

  FragPartialJson *partial;
  GString         *raw;
  GString         *refusal;
  /* The parser's first error: the output is not JSON. Later output is still kept in
   * raw (the user sees everything the model said) but no longer parsed. */
  GError          *parse_error;
  char            *finish_reason;
  guint64          bytes_received;
  guint64          n_deltas;
  gint64           input_tokens;
  gint64           output_tokens;
  double           retry_after;
};

G_DEFINE_FINAL_TYPE (FragGeneration, frag_generation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BYTES_RECEIVED,
  PROP_INPUT_TOKENS,
  PROP_OUTPUT_TOKENS,
  PROP_FINISH_REASON,
  PROP_RETRY_AFTER,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
frag_generation_finalize (GObject *object)
{
  FragGeneration *self = (FragGeneration *)object;

  g_clear_pointer (&self->partial, frag_partial_json_free);
  g_string_free (self->raw, TRUE);
  if (self->refusal != NULL)
    g_string_free (self->refusal, TRUE);
  g_clear_error (&self->parse_error);
  g_free (self->finish_reason);

  G_OBJECT_CLASS (frag_generation_parent_class)->finalize (object);
}

static void
frag_generation_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FragGeneration *self = FRAG_GENERATION (object);

  switch (prop_id)
    {
    case PROP_BYTES_RECEIVED:
      g_value_set_uint64 (value, self->bytes_received);
      break;
    case PROP_INPUT_TOKENS:
      g_value_set_int64 (value, self->input_tokens);
      break;
    case PROP_OUTPUT_TOKENS:
      g_value_set_int64 (value, self->output_tokens);
      break;
    case PROP_FINISH_REASON:
      g_value_set_string (value, self->finish_reason);
      break;
    case PROP_RETRY_AFTER:
      g_value_set_double (value, self->retry_after);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
frag_generation_class_init (FragGenerationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = frag_generation_finalize;
  object_class->get_property = frag_generation_get_property;

  properties[PROP_BYTES_RECEIVED] =
    g_param_spec_uint64 ("bytes-received", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_INPUT_TOKENS] =
    g_param_spec_int64 ("input-tokens", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OUTPUT_TOKENS] =
    g_param_spec_int64 ("output-tokens", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FINISH_REASON] =
    g_param_spec_string ("finish-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RETRY_AFTER] =
    g_param_spec_double ("retry-after", NULL, NULL, -1, G_MAXDOUBLE, -1,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted when the partial fragment changed (a field appeared, grew or completed).
   * It can fire for every delta: a UI redraws from it at frame rate, not per emission. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
frag_generation_init (FragGeneration *self)
{
  self->partial = frag_partial_json_new ();
  self->raw = g_string_new (NULL);
  self->input_tokens = FRAG_GENERATION_UNKNOWN;
  self->output_tokens = FRAG_GENERATION_UNKNOWN;
  self->retry_after = FRAG_GENERATION_UNKNOWN;
}

FragGeneration *
frag_generation_new (void)
{
  return g_object_new (FRAG_TYPE_GENERATION, NULL);
}

FragPartialJson *
frag_generation_get_partial (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), NULL);

  return self->partial;
}

const char *
frag_generation_get_raw_text (FragGeneration *self,
                              gsize          *length)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), NULL);

  if (length != NULL)
    *length = self->raw->len;
  return self->raw->str;
}

guint64
frag_generation_get_bytes_received (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), 0);

  return self->bytes_received;
}

guint64
frag_generation_get_n_deltas (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), 0);

  return self->n_deltas;
}

gint64
frag_generation_get_input_tokens (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), FRAG_GENERATION_UNKNOWN);

  return self->input_tokens;
}

gint64
frag_generation_get_output_tokens (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), FRAG_GENERATION_UNKNOWN);

  return self->output_tokens;
}

const char *
frag_generation_get_finish_reason (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), NULL);

  return self->finish_reason;
}

const char *
frag_generation_get_refusal (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), NULL);

  return self->refusal != NULL ? self->refusal->str : NULL;
}

double
frag_generation_get_retry_after (FragGeneration *self)
{
  g_return_val_if_fail (FRAG_IS_GENERATION (self), FRAG_GENERATION_UNKNOWN);

  return self->retry_after;
}

/* Words for why the JSON is cut short, from the provider's finish reason. */
static const char *
describe_truncation (FragGeneration *self)
{
  const char *reason = self->finish_reason;

  if (reason == NULL)
    return "";
  if (g_str_equal (reason, "length") || g_str_equal (reason, "max_tokens") ||
      g_str_equal (reason, "MAX_TOKENS") || g_str_equal (reason, "model_length"))
    return " (the model reached its maximum number of output tokens)";
  if (g_str_equal (reason, "content_filter") || g_str_equal (reason, "SAFETY") ||
      g_str_equal (reason, "RECITATION") || g_str_equal (reason, "PROHIBITED_CONTENT"))
    return " (the provider's content filter stopped the output)";
  return "";
}

FragFragment *
frag_generation_dup_fragment (FragGeneration      *self,
                              const char * const  *known_templates,
                              GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FragFragment) fragment = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (FRAG_IS_GENERATION (self), NULL);

  if (self->refusal != NULL && !frag_partial_json_is_complete (self->partial))
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT,
                   "The model refused: %s", self->refusal->str);
      return NULL;
    }

  if (self->parse_error != NULL)
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT,
                   "The model's output is not valid JSON: %s%s",
                   self->parse_error->message, describe_truncation (self));
      return NULL;
    }

  if (!frag_partial_json_is_complete (self->partial) &&
      !frag_partial_json_finish (self->partial, &local_error))
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT,
                   "The model's output is not a complete JSON object: %s%s",
                   local_error->message, describe_truncation (self));
      return NULL;
    }

  node = frag_partial_json_dup_object (self->partial);
  fragment = frag_fragment_new_from_json_node (node, &local_error);
  if (fragment == NULL ||
      !frag_fragment_validate (fragment, known_templates, &local_error))
    {
      g_set_error (error, FRAG_PROVIDER_ERROR, FRAG_PROVIDER_ERROR_BAD_OUTPUT,
                   "The model's output is not a valid fragment: %s", local_error->message);
      return NULL;
    }

  return g_steal_pointer (&fragment);
}

void
frag_generation_append_output (FragGeneration *self,
                               const char     *text,
                               gsize           length)
{
  guint64 serial;

  g_return_if_fail (FRAG_IS_GENERATION (self));
  g_return_if_fail (text != NULL || length == 0);

  if (length == 0)
    return;

  g_string_append_len (self->raw, text, length);
  self->n_deltas++;

  if (self->parse_error != NULL)
    return;

  serial = frag_partial_json_get_serial (self->partial);
  if (!frag_partial_json_feed (self->partial, text, length, &self->parse_error))
    g_debug ("The output stopped parsing as JSON: %s", self->parse_error->message);
  if (frag_partial_json_get_serial (self->partial) != serial)
    g_signal_emit (self, signals[CHANGED], 0);
}

void
frag_generation_add_bytes_received (FragGeneration *self,
                                    gsize           n_bytes)
{
  g_return_if_fail (FRAG_IS_GENERATION (self));

  if (n_bytes == 0)
    return;
  self->bytes_received += n_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_RECEIVED]);
}

void
frag_generation_set_usage (FragGeneration *self,
                           gint64          input_tokens,
                           gint64          output_tokens)
{
  g_return_if_fail (FRAG_IS_GENERATION (self));

  if (input_tokens >= 0 && input_tokens != self->input_tokens)
    {
      self->input_tokens = input_tokens;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INPUT_TOKENS]);
    }
  if (output_tokens >= 0 && output_tokens != self->output_tokens)
    {
      self->output_tokens = output_tokens;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT_TOKENS]);
    }
}

void
frag_generation_set_finish_reason (FragGeneration *self,
                                   const char     *finish_reason)
{
  g_return_if_fail (FRAG_IS_GENERATION (self));

  if (g_strcmp0 (self->finish_reason, finish_reason) == 0)
    return;
  g_free (self->finish_reason);
  self->finish_reason = g_strdup (finish_reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISH_REASON]);
}

void
frag_generation_append_refusal (FragGeneration *self,
                                const char     *text)
{
  g_return_if_fail (FRAG_IS_GENERATION (self));
  g_return_if_fail (text != NULL);

  if (self->refusal == NULL)
    self->refusal = g_string_new (NULL);
  g_string_append (self->refusal, text);
}

void
frag_generation_set_retry_after (FragGeneration *self,
                                 double          seconds)
{
  g_return_if_fail (FRAG_IS_GENERATION (self));

  if (seconds == self->retry_after)
    return;
  self->retry_after = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_AFTER]);
}
