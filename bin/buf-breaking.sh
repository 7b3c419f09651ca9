#!/usr/bin/env bash
# `buf breaking` against the event schemas integrators were last promised: those of the newest
# release tag (v*) at or before the base, else of the base itself. The base is where this
# branch left origin/main (the merge-base), or the commit before this one when on main or
# without that ref. A shallow clone is deepened first in CI (when it has a remote). With no
# base at all: a first commit passes, said; a shallow clone fails in CI (CI set, not "false"),
# since passing there would pass anything, and passes with a message elsewhere.
# A ref given as the first argument is compared with instead. The working tree is what is
# checked, so an uncommitted breaking change fails before it is committed.
set -euo pipefail
cd "$(dirname "$0")/.."

buf=buf
command -v buf >/dev/null || buf=node_modules/.bin/buf

in_ci=false
if [ -n "${CI:-}" ] && [ "${CI:-}" != false ] && [ "${CI:-}" != 0 ]; then in_ci=true; fi
commit() { git rev-parse -q --verify "$1^{commit}" >/dev/null 2>&1; }
shallow=$(git rev-parse --is-shallow-repository)

base="${1:-}"
if [ -z "$base" ]; then
  if [ "$shallow" = true ] && [ "$in_ci" = true ] && [ -n "$(git remote)" ]; then
    echo "buf breaking: a shallow clone; fetching its history"
    git fetch -q --unshallow --tags || echo "buf breaking: could not fetch the history" >&2
    shallow=$(git rev-parse --is-shallow-repository)
  fi
  from=""
  if commit HEAD && commit refs/remotes/origin/main; then
    from=$(git merge-base HEAD refs/remotes/origin/main || true)
    # On main itself (or behind it), the branch point is this commit: the one before it.
    [ "$from" = "$(git rev-parse HEAD)" ] && from=""
  fi
  if [ -z "$from" ] && commit HEAD && commit HEAD~1; then from=HEAD~1; fi
  if [ -n "$from" ]; then
    base=$(git describe --tags --abbrev=0 --match 'v*' "$from" 2>/dev/null || echo "$from")
  elif [ "$shallow" = true ] && [ "$in_ci" = true ]; then
    echo "buf breaking: a shallow clone without its history, and none could be fetched: nothing to compare with. Clone in full (or git fetch --unshallow --tags)." >&2
    exit 1
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
