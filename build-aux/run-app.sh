#!/bin/sh
# Installs what is missing, builds, and launches Fragment Studio from the build tree.
set -eu
cd "$(dirname "$0")/.."
sh build-aux/install-deps.sh
[ -d build ] || meson setup build
meson compile -C build
glib-compile-schemas --targetdir=build/data data
export GSETTINGS_SCHEMA_DIR="$PWD/build/data"
exec ./build/src/ui/fragment-studio "$@"
