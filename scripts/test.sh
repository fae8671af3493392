#!/usr/bin/env bash
# The one command that passes every test on a fresh machine: it installs what the
# tests drive (tmux, gdb, eu-stack, strace, py-spy, python3, a JDK, ruby, rbspy)
# when missing, builds the release binary the terminal tests run, then runs
# every test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v tmux >/dev/null || missing+=(tmux)
command -v python3 >/dev/null || missing+=(python3)
command -v gdb >/dev/null || missing+=(gdb)
command -v eu-stack >/dev/null || missing+=(elfutils)
command -v script >/dev/null || missing+=(bsdutils)
command -v strace >/dev/null || missing+=(strace)
command -v setpriv >/dev/null || missing+=(util-linux)
command -v ionice >/dev/null || missing+=(util-linux)
# The JVM tests run `java File.java` and whytop asks jcmd; both come with a JDK.
{ command -v java && command -v jcmd; } >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v ruby >/dev/null || missing+=(ruby)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# py-spy comes from PyPI. A distribution's Python may lack pip, or refuse a
# system-wide install (PEP 668); a user install lands in ~/.local/bin.
export PATH="$HOME/.local/bin:$PATH"
if ! command -v py-spy >/dev/null; then
  echo "installing: py-spy" >&2
  if ! python3 -m pip --version >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip >/dev/null
  fi
  user=()
  [ "$(id -u)" = 0 ] || user=(--user)
  python3 -m pip install -q "${user[@]}" py-spy 2>/dev/null ||
    python3 -m pip install -q "${user[@]}" --break-system-packages py-spy
  command -v py-spy >/dev/null || { echo "py-spy did not install" >&2; exit 1; }
fi

# rbspy (the Ruby handler's tool) is on crates.io only: built once, then cached.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v rbspy >/dev/null; then
  echo "installing: rbspy (cargo install, several minutes on 2 cores)" >&2
  cargo install --locked --quiet rbspy@0.55.0
fi

cargo build --release --locked
# The terminal tests drive this release binary; everything else is the test build.
export WHYTOP_BIN="$PWD/target/release/whytop"
cargo test --locked
