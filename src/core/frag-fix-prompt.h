/* frag-fix-prompt.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "frag-fragment.h"
#include "frag-result.h"

G_BEGIN_DECLS

/* Output sent back to the model, at most (the end is kept: that is where it broke). */
#define FRAG_FIX_PROMPT_MAX_TRACEBACK_CHARS 4000
#define FRAG_FIX_PROMPT_MAX_STDERR_CHARS    4000
#define FRAG_FIX_PROMPT_MAX_STDOUT_CHARS    1500

/* TRUE when the run failed in a way the model can fix: the result has an error or a
 * non-zero exit code, or run_error is a failure of the program itself (it exited, its
 * server never answered, it ran out of time) rather than of the sandbox service. */
gboolean  frag_fix_prompt_is_fixable (FragResult   *result,
                                      const GError *run_error);
/* The "fix it" prompt: what failed (the error, its traceback without terminal colours,
 * the tail of stderr and stdout) and the request to return the whole corrected
 * fragment. The code itself is not repeated: the conversation's context carries it.
 * result and run_error may each be NULL, not both. */
char     *frag_fix_prompt_build      (FragFragment *fragment,
                                      FragResult   *result,
                                      const GError *run_error);

G_END_DECLS
