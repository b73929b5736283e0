/* frag-history-format.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-history-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "frag-history-format.h"
#include "frag-history-records.h"

char *
frag_history_format_relative_time (gint64     unix_us,
                                   GDateTime *now)
{
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) then_day = NULL;
  g_autoptr(GDateTime) today = NULL;
  GTimeSpan age;
  GTimeSpan days;

  g_return_val_if_fail (now != NULL, NULL);

  then = g_date_time_new_from_unix_local (unix_us / G_USEC_PER_SEC);
  if (then == NULL)
    return g_strdup ("");

  age = g_date_time_difference (now, then);
  /* A clock set back makes "then" later than "now": that is still "just now". */
  if (age < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Just now"));
  if (age < G_TIME_SPAN_HOUR)
    {
      int minutes = (int)(age / G_TIME_SPAN_MINUTE);

      /* Translators: how long ago a conversation was updated. */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min ago", "%d min ago", minutes),
                              minutes);
    }

  /* Calendar days, not 24-hour spans: 23:50 yesterday is "Yesterday" at 00:10. */
  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  then_day = g_date_time_new_local (g_date_time_get_year (then), g_date_time_get_month (then),
                                    g_date_time_get_day_of_month (then), 0, 0, 0);
  days = g_date_time_difference (today, then_day) / G_TIME_SPAN_DAY;

  if (days <= 0)
    /* Translators: a time of day today, see strftime(3); e.g. "14:03". */
    return g_date_time_format (then, _("%H:%M"));
  if (days == 1)
    return g_strdup (_("Yesterday"));
  if (days < 7)
    /* Translators: a weekday within the last week, see strftime(3); e.g. "Monday". */
    return g_date_time_format (then, _("%A"));
  if (g_date_time_get_year (then) == g_date_time_get_year (now))
    /* Translators: a date this year, see strftime(3); e.g. "March 4". */
    return g_date_time_format (then, _("%B %-d"));
  /* Translators: a date in an earlier year, see strftime(3); e.g. "March 4, 2025". */
  return g_date_time_format (then, _("%B %-d, %Y"));
}

static void
append_escaped (GString    *markup,
                const char *text,
                gssize      length)
{
  g_autofree char *escaped = g_markup_escape_text (text, length);

  g_string_append (markup, escaped);
}

char *
frag_history_format_snippet (const char *snippet)
{
  GString *markup = g_string_new (NULL);
  const char *p = snippet != NULL ? snippet : "";
  gboolean bold = FALSE;

  /* The store's markers are single control characters that never occur in indexed
   * text; everything between them is user or model text and is escaped piece by
   * piece, so nothing typed can become markup. */
  while (*p != '\0')
    {
      size_t run = strcspn (p, FRAG_SEARCH_HIGHLIGHT_START FRAG_SEARCH_HIGHLIGHT_END);

      if (run > 0)
        {
          if (bold)
            g_string_append (markup, "<b>");
          append_escaped (markup, p, run);
          if (bold)
            g_string_append (markup, "</b>");
          p += run;
        }
      if (*p == '\0')
        break;
      bold = (*p == FRAG_SEARCH_HIGHLIGHT_START[0]);
      p++;
    }

  return g_string_free (markup, FALSE);
}
