/* frag-error-hint.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a person can do about an error of the pipeline, so every failure the UI or the
 * CLI shows comes with a next step. The action lets the UI offer a button for it. */
typedef enum
{
  FRAG_ERROR_ACTION_NONE,
  FRAG_ERROR_ACTION_ADD_KEY,          /* add or fix the provider's (or E2B's) key */
  FRAG_ERROR_ACTION_PICK_MODEL,       /* this model cannot answer: choose another */
  FRAG_ERROR_ACTION_WAIT,             /* rate limited: wait, then retry */
  FRAG_ERROR_ACTION_RETRY,            /* a passing failure: retry */
  FRAG_ERROR_ACTION_CHECK_NETWORK,
  FRAG_ERROR_ACTION_FIX,              /* the code failed: ask the model to fix it */
  FRAG_ERROR_ACTION_SWITCH_TO_LOCAL,  /* E2B cannot help now: use the local backend */
  FRAG_ERROR_ACTION_SWITCH_TO_E2B,    /* this machine cannot run it: use E2B */
} FragErrorAction;

FragErrorAction frag_error_get_action (const GError *error);
/* One sentence saying what to do, e.g. "Wait 7 s, then retry." retry_after_seconds:
 * what the server asked for, or negative. NULL for a cancellation or an unknown
 * domain (the message must then speak for itself). */
char           *frag_error_dup_hint   (const GError *error,
                                       double        retry_after_seconds);

G_END_DECLS
