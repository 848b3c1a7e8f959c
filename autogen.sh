#!/bin/sh
# Regenerates the build system from configure.ac and the local.mk fragments.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi
# automake ships the TAP driver but does not install it by itself.
am=$(automake --print-libdir)
cp -f "$am/tap-driver.sh" build-aux/tap-driver.sh
