#!/usr/bin/env bash
# `buf breaking` against the event schemas integrators were last promised: those of the newest
# release tag (v*) before this commit, else of the commit before this one, else (a first
# commit, or a shallow clone without its parent) nothing to compare with, said and passed.
# A ref given as the first argument is compared with instead. The working tree is what is
# checked, so an uncommitted breaking change fails before it is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

buf=buf
command -v buf >/dev/null || buf=node_modules/.bin/buf

base="${1:-}"
if [ -z "$base" ]; then
  if git rev-parse -q --verify 'HEAD^{commit}' >/dev/null && git rev-parse -q --verify 'HEAD~1^{commit}' >/dev/null; then
    base=$(git describe --tags --abbrev=0 --match 'v*' HEAD~1 2>/dev/null || echo HEAD~1)
  else
    echo "buf breaking: no earlier commit or release tag here (a first commit or a shallow clone); nothing to compare with"
    exit 0
  fi
fi
sha=$(git rev-parse -q --verify "$base^{commit}") || {
  echo "buf breaking: $base is not a commit here" >&2
  exit 1
}

# The schemas as they were at that commit, from the local object store (offline, and faster
# than buf's own clone of the repository).
then=$(mktemp -d)
trap 'rm -rf "$then"' EXIT
git archive "$sha" buf.yaml contracts/proto | tar -x -C "$then"
echo "buf breaking: against $base ($(git rev-parse --short "$sha"))"
"$buf" breaking --against "$then"
