#!/usr/bin/env bash
# Two clean builds of this commit must give byte-identical published jars (classes, sources, Javadoc,
# test-jar). Each build runs in its own copy of the tree, at a different path and a different time,
# so nothing of the place or the moment may leak into a jar. Tests are skipped: `mvn -B verify` ran
# them already; this is about the bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ippvs-reproducible.XXXXXX")
trap 'rm -rf "$work"' EXIT

for build in first second; do
    mkdir -p "$work/$build"
    # the tree as it is, without anything built
    tar --exclude=./.git --exclude='*/target' --exclude=./target -cf - . | tar -xf - -C "$work/$build"
    (cd "$work/$build" && mvn -B -q package -DskipTests -pl '!examples,!benchmarks' >"$work/$build.log" 2>&1) \
        || { cat "$work/$build.log"; echo "reproducible: the $build build failed" >&2; exit 1; }
    sleep 2 # a second build in the same second would hide a timestamp
done

published() {
    (cd "$1" && find . -path '*/target/*.jar' -not -path './examples/*' -not -path './benchmarks/*' | sort)
}
jars=$(published "$work/first")
[ -n "$jars" ] || { echo "reproducible: no jars built" >&2; exit 1; }
[ "$jars" = "$(published "$work/second")" ] || { echo "reproducible: the builds made different jar sets" >&2; exit 1; }

differ=0
for jar in $jars; do
    a=$(sha256sum "$work/first/$jar" | cut -d' ' -f1)
    b=$(sha256sum "$work/second/$jar" | cut -d' ' -f1)
    if [ "$a" = "$b" ]; then
        echo "identical $a ${jar#./}"
    else
        echo "DIFFERENT ${jar#./}: $a vs $b"
        differ=1
    fi
done
[ "$differ" = 0 ] || { echo "reproducible: two builds of one tree gave different jars" >&2; exit 1; }
echo "reproducible: $(echo "$jars" | wc -l) jars byte-identical across two builds"
