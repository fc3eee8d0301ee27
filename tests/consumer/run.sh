#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds the consumer
# twice: with CMake's find_package(hotspot) and with pkg-config.
# usage: run.sh BUILD_DIR SOURCE_DIR DATA_FILE WORK_DIR
set -euo pipefail
build=$1 src=$2 data=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src" -B "$work/cm" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cm" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib:$work/prefix/lib64:$work/prefix/lib/$(gcc -print-multiarch)" \
  "$work/cm/consumer" "$data"
pcdir=$(dirname "$(find "$work/prefix" -name hotspot.pc)")
export PKG_CONFIG_PATH="$pcdir"
cc -o "$work/pc_consumer" "$src/consumer.c" $(pkg-config --cflags --libs hotspot)
LD_LIBRARY_PATH="$pcdir/.." "$work/pc_consumer" "$data"
