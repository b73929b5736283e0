/* frag-history-records.h
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What FragHistory hands back: immutable snapshots of stored rows. They are plain
 * GObjects so the UI can put them in a GListModel and bind rows to their properties.
 * Ids are SQLite rowids (> 0); 0 means "none". Times are UNIX microseconds, UTC,
 * as g_get_real_time() gives them. Fragment and result payloads are JSON text so that
 * the history does not depend on FragFragment or FragResult.
 */

typedef enum
{
  FRAG_MESSAGE_ROLE_USER,
  FRAG_MESSAGE_ROLE_ASSISTANT,
} FragMessageRole;

typedef enum
{
  FRAG_MESSAGE_STATE_COMPLETE,
  FRAG_MESSAGE_STATE_STREAMING,
  FRAG_MESSAGE_STATE_INTERRUPTED,   /* the app stopped while it streamed; partial content kept */
  FRAG_MESSAGE_STATE_ERROR,         /* the request failed; see the error message */
} FragMessageState;

typedef enum
{
  FRAG_VERSION_ORIGIN_MODEL,
  FRAG_VERSION_ORIGIN_USER_EDIT,
} FragVersionOrigin;

/* Stable lowercase names, as stored in the database and printed by `frag history`.
 * The _from_string functions return FALSE for an unknown name. */
const char *frag_message_role_to_string     (FragMessageRole    role);
gboolean    frag_message_role_from_string   (const char        *name,
                                             FragMessageRole   *role);
const char *frag_message_state_to_string    (FragMessageState   state);
gboolean    frag_message_state_from_string  (const char        *name,
                                             FragMessageState  *state);
const char *frag_version_origin_to_string   (FragVersionOrigin  origin);
gboolean    frag_version_origin_from_string (const char        *name,
                                             FragVersionOrigin *origin);

/* An image attached to a user message: its MIME type and raw bytes. */
typedef struct _FragAttachment
{
  char   *mime_type;
  GBytes *data;
} FragAttachment;

#define FRAG_TYPE_ATTACHMENT (frag_attachment_get_type ())

GType           frag_attachment_get_type (void) G_GNUC_CONST;
FragAttachment *frag_attachment_new      (const char           *mime_type,
                                          GBytes               *data);
FragAttachment *frag_attachment_copy     (const FragAttachment *attachment);
void            frag_attachment_free     (FragAttachment       *attachment);
/* "image/png", "image/jpeg", "image/gif" or "image/webp" by the magic bytes (the image
 * types every provider takes; no MIME database needed), or NULL. */
const char     *frag_attachment_sniff_image_type (const guchar *data,
                                                  gsize         length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FragAttachment, frag_attachment_free)

/* Token usage as the provider reported it; -1 when unknown. */
typedef struct
{
  gint64 input_tokens;
  gint64 output_tokens;
} FragTokenUsage;

#define FRAG_TOKEN_USAGE_UNKNOWN ((FragTokenUsage) { -1, -1 })

/* One conversation row, as listed in the sidebar. */
#define FRAG_TYPE_CONVERSATION_INFO (frag_conversation_info_get_type ())

G_DECLARE_FINAL_TYPE (FragConversationInfo, frag_conversation_info, FRAG, CONVERSATION_INFO, GObject)

FragConversationInfo *frag_conversation_info_new                 (gint64                id,
                                                                  const char           *title,
                                                                  const char           *model,
                                                                  const char           *template_id,
                                                                  const char           *sandbox_backend,
                                                                  const char           *sandbox_id,
                                                                  gint64                created,
                                                                  gint64                updated);
gint64                frag_conversation_info_get_id              (FragConversationInfo *self);
const char           *frag_conversation_info_get_title           (FragConversationInfo *self);
const char           *frag_conversation_info_get_model           (FragConversationInfo *self);
const char           *frag_conversation_info_get_template        (FragConversationInfo *self);
/* "e2b" or "local", or NULL before a sandbox was started for the conversation. */
const char           *frag_conversation_info_get_sandbox_backend (FragConversationInfo *self);
const char           *frag_conversation_info_get_sandbox_id      (FragConversationInfo *self);
gint64                frag_conversation_info_get_created         (FragConversationInfo *self);
gint64                frag_conversation_info_get_updated         (FragConversationInfo *self);

/* One search result: the conversation and its best-ranked match. The snippet marks
 * each matched term with FRAG_SEARCH_HIGHLIGHT_START / _END; the store guarantees
 * those two characters never occur in indexed text, so a UI can split on them and
 * escape the rest. */
#define FRAG_SEARCH_HIGHLIGHT_START "\002"
#define FRAG_SEARCH_HIGHLIGHT_END   "\003"

#define FRAG_TYPE_SEARCH_HIT (frag_search_hit_get_type ())

G_DECLARE_FINAL_TYPE (FragSearchHit, frag_search_hit, FRAG, SEARCH_HIT, GObject)

FragSearchHit        *frag_search_hit_new              (FragConversationInfo *conversation,
                                                        const char           *snippet,
                                                        gint64                message_id,
                                                        double                rank);
FragConversationInfo *frag_search_hit_get_conversation (FragSearchHit        *self);
const char           *frag_search_hit_get_snippet      (FragSearchHit        *self);
/* The snippet with the highlight markers replaced by start/end (e.g. "«", "»"). */
char                 *frag_search_hit_dup_snippet_marked (FragSearchHit      *self,
                                                          const char         *start,
                                                          const char         *end);
/* The message the match is in (its text, fragment or output), or 0 for the title. */
gint64                frag_search_hit_get_message_id   (FragSearchHit        *self);
/* FTS5 bm25 rank: lower is better. */
double                frag_search_hit_get_rank         (FragSearchHit        *self);

/* One message of a conversation. */
#define FRAG_TYPE_STORED_MESSAGE (frag_stored_message_get_type ())

G_DECLARE_FINAL_TYPE (FragStoredMessage, frag_stored_message, FRAG, STORED_MESSAGE, GObject)

FragStoredMessage *frag_stored_message_new               (gint64             id,
                                                          gint64             conversation_id,
                                                          FragMessageRole    role,
                                                          FragMessageState   state,
                                                          const char        *text,
                                                          const char        *fragment_json,
                                                          const char        *model,
                                                          const char        *error_message,
                                                          FragTokenUsage     usage,
                                                          GPtrArray         *attachments,
                                                          gint64             created,
                                                          gint64             updated);
gint64             frag_stored_message_get_id            (FragStoredMessage *self);
gint64             frag_stored_message_get_conversation_id (FragStoredMessage *self);
FragMessageRole    frag_stored_message_get_role          (FragStoredMessage *self);
FragMessageState   frag_stored_message_get_state         (FragStoredMessage *self);
const char        *frag_stored_message_get_text          (FragStoredMessage *self);
/* The (possibly partial) fragment JSON of an assistant message, or NULL. */
const char        *frag_stored_message_get_fragment_json (FragStoredMessage *self);
const char        *frag_stored_message_get_model         (FragStoredMessage *self);
const char        *frag_stored_message_get_error_message (FragStoredMessage *self);
FragTokenUsage     frag_stored_message_get_usage         (FragStoredMessage *self);
/* Element type FragAttachment; never NULL. Borrowed. */
GPtrArray         *frag_stored_message_get_attachments   (FragStoredMessage *self);
gint64             frag_stored_message_get_created       (FragStoredMessage *self);
gint64             frag_stored_message_get_updated       (FragStoredMessage *self);

/* One version of a conversation's fragment: the model's, or the user's edit of a parent. */
#define FRAG_TYPE_STORED_VERSION (frag_stored_version_get_type ())

G_DECLARE_FINAL_TYPE (FragStoredVersion, frag_stored_version, FRAG, STORED_VERSION, GObject)

FragStoredVersion *frag_stored_version_new               (gint64             id,
                                                          gint64             conversation_id,
                                                          gint64             message_id,
                                                          gint64             parent_id,
                                                          FragVersionOrigin  origin,
                                                          const char        *fragment_json,
                                                          gint64             created);
gint64             frag_stored_version_get_id            (FragStoredVersion *self);
gint64             frag_stored_version_get_conversation_id (FragStoredVersion *self);
/* The assistant message that produced it, or 0 (a user edit). */
gint64             frag_stored_version_get_message_id    (FragStoredVersion *self);
gint64             frag_stored_version_get_parent_id     (FragStoredVersion *self);
FragVersionOrigin  frag_stored_version_get_origin        (FragStoredVersion *self);
const char        *frag_stored_version_get_fragment_json (FragStoredVersion *self);
gint64             frag_stored_version_get_created       (FragStoredVersion *self);

/* One execution of a fragment version: the execution result JSON of DESIGN.md, with its
 * images inflated back to base64 exactly as they were given. */
#define FRAG_TYPE_STORED_RESULT (frag_stored_result_get_type ())

G_DECLARE_FINAL_TYPE (FragStoredResult, frag_stored_result, FRAG, STORED_RESULT, GObject)

FragStoredResult *frag_stored_result_new             (gint64            id,
                                                      gint64            version_id,
                                                      const char       *result_json,
                                                      gint64            created);
gint64            frag_stored_result_get_id          (FragStoredResult *self);
gint64            frag_stored_result_get_version_id  (FragStoredResult *self);
const char       *frag_stored_result_get_result_json (FragStoredResult *self);
gint64            frag_stored_result_get_created     (FragStoredResult *self);

/* A whole conversation, as loaded: messages, fragment versions and results in the
 * order they were stored. */
#define FRAG_TYPE_STORED_CONVERSATION (frag_stored_conversation_get_type ())

G_DECLARE_FINAL_TYPE (FragStoredConversation, frag_stored_conversation, FRAG, STORED_CONVERSATION, GObject)

FragStoredConversation *frag_stored_conversation_new          (FragConversationInfo   *info,
                                                               GPtrArray              *messages,
                                                               GPtrArray              *versions,
                                                               GPtrArray              *results);
FragConversationInfo   *frag_stored_conversation_get_info     (FragStoredConversation *self);
/* Element types FragStoredMessage, FragStoredVersion, FragStoredResult. Borrowed. */
GPtrArray              *frag_stored_conversation_get_messages (FragStoredConversation *self);
GPtrArray              *frag_stored_conversation_get_versions (FragStoredConversation *self);
GPtrArray              *frag_stored_conversation_get_results  (FragStoredConversation *self);
/* The newest version, or NULL when the conversation has none. Borrowed. */
FragStoredVersion      *frag_stored_conversation_get_latest_version (FragStoredConversation *self);
/* The whole conversation as one JSON object (what `frag history show --json` prints):
 * the info fields, then messages, versions (with the fragment as an object) and
 * results (with the result as an object). Times are ISO 8601 with the local offset. */
JsonNode               *frag_stored_conversation_to_json      (FragStoredConversation *self);

/* UNIX microseconds to ISO 8601 in local time with its offset, e.g.
 * "2026-11-27T14:03:07.123+01:00". */
char                   *frag_history_format_time              (gint64                  unix_us);

G_END_DECLS
