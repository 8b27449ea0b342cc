#!/usr/bin/env bash
# The system tools the tests drive: tmux (the key test), Debian's chromium (the browser
# test, through Playwright with executable_path; never a downloaded browser). Installs with
# apt-get only what is missing; quiet when all is there.
set -euo pipefail
missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
echo "installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq </dev/null
$sudo apt-get install -y -qq "${missing[@]}" </dev/null >/dev/null
