#!/bin/sh
# Installs every Debian 12 package the build, the app and the test suite need.
# Idempotent: when everything is already installed it does not even run apt-get update.
set -eu

PACKAGES="
  build-essential meson ninja-build pkg-config git
  libgtk-4-dev libadwaita-1-dev libgtksourceview-5-dev libwebkitgtk-6.0-dev
  libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev
  gettext desktop-file-utils appstream-util appstream
  xvfb xauth dbus gnome-keyring libsecret-tools at-spi2-core
  bubblewrap imagemagick python3 python3-numpy python3-pandas python3-matplotlib
  clang-14 libclang-rt-14-dev curl
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing:$missing — run as root (or with sudo) to install them" >&2
  exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# dbus-x11 is left out on purpose: with it, GLib autolaunches a session bus and a keyring
# prompt can hang the tests (shared/notes/headless-recipe.md, pitfall P3).
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
