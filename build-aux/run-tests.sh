#!/bin/sh
# Installs what is missing, builds (plain and with ASan/UBSan), and runs the whole test
# suite headless: Xvfb, a private D-Bus session and an unlocked throw-away keyring
# (shared/notes/headless-recipe.md §3). Ends with "tests: N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
ROOT=$PWD
sh build-aux/install-deps.sh

# Builds: the plain one, and the sanitizer one CI insists on.
[ -d build ] || meson setup build
meson compile -C build
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
meson compile -C build-asan

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" XDG_CACHE_HOME="$T/home/.cache" \
       XDG_DATA_HOME="$T/home/.local/share" XDG_RUNTIME_DIR="$T/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export GSETTINGS_BACKEND=memory
unset WAYLAND_DISPLAY
# Sanitizers: abort on the first UBSan report; leaks from system libraries are suppressed
# narrowly in build-aux/lsan.supp (each line says why).
# fast_unwind_on_malloc=0: Debian's GLib has no frame pointers, so the fast unwinder stops at
# g_malloc and the lsan.supp function names could never match.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:fast_unwind_on_malloc=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$ROOT/build-aux/lsan.supp:print_suppressions=0"

xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- sh -u -c '
  printf %s ci-keyring-pw | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
  kr=$!
  gdbus wait --session --timeout 10 org.freedesktop.secrets
  rc=0
  meson test -C build --print-errorlogs --num-processes 2 || rc=1
  meson test -C build-asan --print-errorlogs --num-processes 2 || rc=1
  kill $kr; wait $kr 2>/dev/null || true
  exit $rc' || status=$?

/usr/bin/python3 build-aux/test-summary.py build build-asan || status=${status:-1}
exit "${status:-0}"
