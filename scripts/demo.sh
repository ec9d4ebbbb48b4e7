#!/usr/bin/env bash
# Scripted walk through syncschema against the bundled Graph emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "The demo needs the Graph client and the emulator, which are not built yet."
echo "Meanwhile, try the offline commands: .build/debug/syncschema --help"
