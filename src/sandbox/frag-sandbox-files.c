/* frag-sandbox-files.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sandbox-files"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frag-fragment.h"
#include "frag-sandbox-files.h"

static gboolean
give_to (const char  *path,
         int          owner_uid,
         GError     **error)
{
  if (owner_uid < 0 || lchown (path, owner_uid, owner_uid) == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
               "Cannot give %s to the sandbox user: %s", path, g_strerror (errno));
  return FALSE;
}

/* mkdir -p of the directories of relative_path under work_dir, refusing to walk through
 * anything that is not a plain directory. */
static gboolean
make_parents (const char  *work_dir,
              const char  *relative_path,
              int          owner_uid,
              GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (relative_path, "/", -1);
  g_autofree char *current = g_strdup (work_dir);
  guint n_parts = g_strv_length (parts);

  for (guint i = 0; i + 1 < n_parts; i++)
    {
      g_autofree char *next = NULL;
      struct stat st;

      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        continue;
      next = g_build_filename (current, parts[i], NULL);
      if (g_lstat (next, &st) == 0)
        {
          if (!S_ISDIR (st.st_mode))
            {
              g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                           "“%s” goes through something that is not a directory", relative_path);
              return FALSE;
            }
        }
      else if (g_mkdir (next, 0755) != 0 || !give_to (next, owner_uid, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                         "Cannot make %s: %s", next, g_strerror (errno));
          return FALSE;
        }
      g_free (current);
      current = g_steal_pointer (&next);
    }
  return TRUE;
}

static gboolean
write_one (const char        *work_dir,
           FragFragmentFile  *file,
           int                owner_uid,
           GError           **error)
{
  g_autofree char *path = NULL;
  const char *code = file->code != NULL ? file->code : "";
  gsize length = strlen (code);
  gsize written = 0;
  int fd;

  if (file->file_path == NULL || !frag_fragment_path_is_safe (file->file_path))
    {
      g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                   "Refusing to write “%s”: the path leaves the work dir",
                   file->file_path != NULL ? file->file_path : "(none)");
      return FALSE;
    }
  if (!make_parents (work_dir, file->file_path, owner_uid, error))
    return FALSE;

  path = g_build_filename (work_dir, file->file_path, NULL);
  /* O_NOFOLLOW: a symlink the sandbox left at this name is not followed out. */
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, saved_errno == ELOOP ? FRAG_FRAGMENT_ERROR : G_IO_ERROR,
                   saved_errno == ELOOP ? FRAG_FRAGMENT_ERROR_BAD_PATH : g_io_error_from_errno (saved_errno),
                   "Cannot write %s: %s", file->file_path, g_strerror (saved_errno));
      return FALSE;
    }
  while (written < length)
    {
      gssize n = write (fd, code + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "Cannot write %s: %s", file->file_path, g_strerror (saved_errno));
          return FALSE;
        }
      written += n;
    }
  if (owner_uid >= 0 && fchown (fd, owner_uid, owner_uid) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot give %s to the sandbox user: %s", file->file_path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
frag_sandbox_files_write (const char  *work_dir,
                          GPtrArray   *files,
                          int          owner_uid,
                          GError     **error)
{
  g_return_val_if_fail (work_dir != NULL, FALSE);
  g_return_val_if_fail (files != NULL, FALSE);

  /* Check every path before writing any, so a bad fragment changes nothing. */
  for (guint i = 0; i < files->len; i++)
    {
      FragFragmentFile *file = g_ptr_array_index (files, i);

      if (file->file_path == NULL || !frag_fragment_path_is_safe (file->file_path))
        {
          g_set_error (error, FRAG_FRAGMENT_ERROR, FRAG_FRAGMENT_ERROR_BAD_PATH,
                       "Refusing to write “%s”: the path leaves the work dir",
                       file->file_path != NULL ? file->file_path : "(none)");
          return FALSE;
        }
    }
  for (guint i = 0; i < files->len; i++)
    if (!write_one (work_dir, g_ptr_array_index (files, i), owner_uid, error))
      return FALSE;
  return TRUE;
}

void
frag_sandbox_files_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  struct stat st;

  if (g_lstat (path, &st) != 0)
    return;
  if (!S_ISDIR (st.st_mode))
    {
      g_unlink (path);
      return;
    }
  /* Sandboxed code may have made its directories unwritable; they are ours to remove. */
  if ((st.st_mode & 0700) != 0700)
    g_chmod (path, (st.st_mode & 07777) | 0700);
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      frag_sandbox_files_remove_tree (child);
    }
  g_rmdir (path);
}
