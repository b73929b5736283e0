/* frag-sandbox-command.c
 *
 * Copyright 2026 The Fragment Studio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "frag-sandbox-command"

#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "frag-sandbox-command.h"

/* The sandbox's PATH: only what the read-only /usr provides. */
#define SANDBOX_PATH "/usr/local/bin:/usr/bin:/bin"

/* Files under /etc that Python's scientific stack needs (headless-recipe §6): BLAS is
 * found through /etc/alternatives, matplotlib reads /etc/matplotlibrc, fontconfig its
 * /etc/fonts, the dynamic loader its cache. Nothing else of /etc is visible. */
static const char * const etc_binds[] = {
  "/etc/alternatives",
  "/etc/matplotlibrc",
  "/etc/fonts",
  "/etc/ld.so.cache",
  "/etc/mime.types",
  NULL
};

gboolean
frag_sandbox_command_in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

FragSandboxLauncher
frag_sandbox_command_default_launcher (void)
{
  return frag_sandbox_command_in_flatpak () ? FRAG_SANDBOX_LAUNCHER_FLATPAK_SPAWN
                                            : FRAG_SANDBOX_LAUNCHER_BWRAP;
}

const char *
frag_sandbox_command_inner_path (FragSandboxLauncher    launcher,
                                 const FragSandboxSpec *spec,
                                 const char            *placeholder)
{
  gboolean remapped = launcher == FRAG_SANDBOX_LAUNCHER_BWRAP;

  if (g_str_equal (placeholder, "@WORK@"))
    return remapped ? FRAG_SANDBOX_INNER_WORK_DIR : spec->work_dir;
  if (g_str_equal (placeholder, "@RUNNER@"))
    return remapped ? FRAG_SANDBOX_INNER_RUNNER_DIR : spec->runner_dir;
  if (g_str_equal (placeholder, "@RUN@"))
    return remapped ? FRAG_SANDBOX_INNER_RUN_DIR : spec->run_dir;
  g_return_val_if_reached (NULL);
}

static char *
expand (FragSandboxLauncher    launcher,
        const FragSandboxSpec *spec,
        const char            *text)
{
  static const char * const placeholders[] = { "@WORK@", "@RUNNER@", "@RUN@" };
  g_autoptr(GString) out = g_string_new (text);

  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    {
      const char *inner = frag_sandbox_command_inner_path (launcher, spec, placeholders[i]);

      if (inner != NULL)
        g_string_replace (out, placeholders[i], inner, 0);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
add (GPtrArray  *argv,
     const char *arg)
{
  g_ptr_array_add (argv, g_strdup (arg));
}

static void
add_printf (GPtrArray  *argv,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
add_printf (GPtrArray  *argv,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (argv, g_strdup_vprintf (format, args));
  va_end (args);
}

/* prlimit inside the sandbox: after bwrap has made the user namespace, so RLIMIT_NPROC
 * counts only the sandbox's processes (kernel ucounts are per user namespace). */
static void
add_limits (GPtrArray               *argv,
            const FragSandboxLimits *limits)
{
  add (argv, "/usr/bin/prlimit");
  /* Soft limit N, hard N + 1: at N the kernel sends SIGXCPU, which says what happened;
   * with soft == hard it sends only SIGKILL, which does not. */
  if (limits->cpu_seconds > 0)
    add_printf (argv, "--cpu=%u:%u", limits->cpu_seconds, limits->cpu_seconds + 1);
  if (limits->max_processes > 0)
    add_printf (argv, "--nproc=%u", limits->max_processes);
  if (limits->max_file_bytes > 0)
    add_printf (argv, "--fsize=%" G_GUINT64_FORMAT, limits->max_file_bytes);
  if (limits->max_memory_bytes > 0)
    add_printf (argv, "--as=%" G_GUINT64_FORMAT, limits->max_memory_bytes);
  if (limits->max_open_files > 0)
    add_printf (argv, "--nofile=%u", limits->max_open_files);
  add (argv, "--");
}

static void
add_command (GPtrArray             *argv,
             FragSandboxLauncher    launcher,
             const FragSandboxSpec *spec)
{
  add_limits (argv, &spec->limits);
  for (guint i = 0; spec->command[i] != NULL; i++)
    g_ptr_array_add (argv, expand (launcher, spec, spec->command[i]));
}

static void
build_bwrap (GPtrArray             *argv,
             const FragSandboxSpec *spec)
{
  const FragSandboxLauncher launcher = FRAG_SANDBOX_LAUNCHER_BWRAP;

  if (spec->drop_root && geteuid () == 0)
    {
      add (argv, "/usr/bin/setpriv");
      add_printf (argv, "--reuid=%u", FRAG_SANDBOX_NOBODY_ID);
      add_printf (argv, "--regid=%u", FRAG_SANDBOX_NOBODY_ID);
      add (argv, "--clear-groups");
      add (argv, "--");
    }
  add (argv, "/usr/bin/bwrap");

  /* The file system: read-only /usr (with the merged-/usr symlinks), a few /etc files,
   * fresh /proc, /dev and /tmp, the work dir as $HOME. No real $HOME, no /root, /work,
   * /home or /run of the host. */
  add (argv, "--ro-bind"); add (argv, "/usr"); add (argv, "/usr");
  add (argv, "--symlink"); add (argv, "usr/bin"); add (argv, "/bin");
  add (argv, "--symlink"); add (argv, "usr/sbin"); add (argv, "/sbin");
  add (argv, "--symlink"); add (argv, "usr/lib"); add (argv, "/lib");
  if (g_file_test ("/usr/lib64", G_FILE_TEST_IS_DIR))
    {
      add (argv, "--symlink"); add (argv, "usr/lib64"); add (argv, "/lib64");
    }
  for (guint i = 0; etc_binds[i] != NULL; i++)
    {
      add (argv, "--ro-bind-try"); add (argv, etc_binds[i]); add (argv, etc_binds[i]);
    }
  add (argv, "--proc"); add (argv, "/proc");
  add (argv, "--dev"); add (argv, "/dev");
  add (argv, "--tmpfs"); add (argv, "/tmp");
  add (argv, "--bind"); add (argv, spec->work_dir); add (argv, FRAG_SANDBOX_INNER_WORK_DIR);
  add (argv, "--ro-bind"); add (argv, spec->runner_dir); add (argv, FRAG_SANDBOX_INNER_RUNNER_DIR);
  if (spec->run_dir != NULL)
    {
      add (argv, "--bind"); add (argv, spec->run_dir); add (argv, FRAG_SANDBOX_INNER_RUN_DIR);
    }
  /* Everything not bound above (the root's own tmpfs: /etc, /home, /opt...) read-only:
   * the work dir and /tmp are the only writable places. */
  add (argv, "--remount-ro"); add (argv, "/");
  add (argv, "--chdir"); add (argv, FRAG_SANDBOX_INNER_WORK_DIR);

  /* Namespaces: all of them, network included (only a private loopback inside; web
   * apps are reached through the port bridge's Unix socket, never the host network).
   * --die-with-parent and killing bwrap take the whole pid namespace down. As root,
   * bwrap would keep every capability inside: drop them. */
  add (argv, "--unshare-all");
  add (argv, "--die-with-parent");
  add (argv, "--new-session");
  add (argv, "--cap-drop"); add (argv, "ALL");
  add (argv, "--hostname"); add (argv, "sandbox");
  if (spec->info_fd > 0)
    {
      add (argv, "--info-fd");
      add_printf (argv, "%d", spec->info_fd);
    }

  add (argv, "--clearenv");
  add (argv, "--setenv"); add (argv, "PATH"); add (argv, SANDBOX_PATH);
  add (argv, "--setenv"); add (argv, "HOME"); add (argv, FRAG_SANDBOX_INNER_WORK_DIR);
  add (argv, "--setenv"); add (argv, "LANG"); add (argv, "C.UTF-8");
  add (argv, "--setenv"); add (argv, "TMPDIR"); add (argv, "/tmp");
  for (guint i = 0; spec->env != NULL && spec->env[i] != NULL; i++)
    {
      const char *eq = strchr (spec->env[i], '=');
      g_autofree char *name = NULL;

      if (eq == NULL)
        continue;
      name = g_strndup (spec->env[i], eq - spec->env[i]);
      add (argv, "--setenv"); add (argv, name);
      g_ptr_array_add (argv, expand (launcher, spec, eq + 1));
    }
  add (argv, "--");
  add_command (argv, launcher, spec);
}

/* Inside a Flatpak the portal starts the command in a new sandbox made from the app's
 * own (read-only runtime, no host files) with no network; only the paths we expose
 * are visible, at their real paths. */
static void
build_flatpak_spawn (GPtrArray             *argv,
                     const FragSandboxSpec *spec)
{
  const FragSandboxLauncher launcher = FRAG_SANDBOX_LAUNCHER_FLATPAK_SPAWN;

  add (argv, "/usr/bin/flatpak-spawn");
  add (argv, "--sandbox");
  add (argv, "--no-network");
  add (argv, "--watch-bus");  /* the sandbox dies with us */
  add (argv, "--clear-env");
  add_printf (argv, "--env=PATH=/app/bin:%s", SANDBOX_PATH);
  add_printf (argv, "--env=HOME=%s", spec->work_dir);
  add (argv, "--env=LANG=C.UTF-8");
  for (guint i = 0; spec->env != NULL && spec->env[i] != NULL; i++)
    {
      g_autofree char *value = expand (launcher, spec, spec->env[i]);

      add_printf (argv, "--env=%s", value);
    }
  add_printf (argv, "--sandbox-expose-path=%s", spec->work_dir);
  add_printf (argv, "--sandbox-expose-path-ro=%s", spec->runner_dir);
  if (spec->run_dir != NULL)
    add_printf (argv, "--sandbox-expose-path=%s", spec->run_dir);
  for (guint i = 0; spec->forward_fds != NULL && spec->forward_fds[i] >= 0; i++)
    add_printf (argv, "--forward-fd=%d", spec->forward_fds[i]);
  add_printf (argv, "--directory=%s", spec->work_dir);
  add (argv, "--");
  add_command (argv, launcher, spec);
}

GStrv
frag_sandbox_command_build (FragSandboxLauncher    launcher,
                            const FragSandboxSpec *spec)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_null_terminated (64, g_free, TRUE);

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (spec->work_dir != NULL, NULL);
  g_return_val_if_fail (spec->runner_dir != NULL, NULL);
  g_return_val_if_fail (spec->command != NULL && spec->command[0] != NULL, NULL);

  if (launcher == FRAG_SANDBOX_LAUNCHER_FLATPAK_SPAWN)
    build_flatpak_spawn (argv, spec);
  else
    build_bwrap (argv, spec);

  g_ptr_array_set_free_func (argv, NULL);
  return (GStrv)g_ptr_array_free (g_steal_pointer (&argv), FALSE);
}
