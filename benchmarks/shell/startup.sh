#!/usr/bin/env bash
# Time to the first printed plan in ./cutover-shell, side by side with a bare jshell start, in one run.
#
#   benchmarks/shell/startup.sh [rounds]      (default 5; results belong in docs/benchmarks.md)
#
# Each round runs, one after the other: a bare `jshell` that only exits; ./cutover-shell without its
# class-data-sharing archive (CUTOVER_CDS=0); with it but with the C2 JIT too (CUTOVER_C1=0); and as it
# starts by default (archive, C1 only). Each cutover-shell start loads
# the imports, starts the local cloud and builds `cutover` (on a background thread meanwhile), prints a plan and exits. The class path is
# built (and the archive recorded) before the first round, so every timed start is a warm one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
rounds="${1:-5}"
script="$(mktemp --suffix=.jsh)"
trap 'rm -f "$script"' EXIT
cat > "$script" <<'JSH'
System.out.println(cutover.plan(Release.of(Service.named("orders").image("repo/orders:1.0.0").build()).to(Environment.named("test").region("us-east-1").cluster("main").serviceConnect().build()).build()));
/exit
JSH
jshell_bin="${JAVA_HOME:+$JAVA_HOME/bin/}jshell"
./cutover-shell "$script" < /dev/null > /dev/null 2>&1   # build the class path, record the archive
./cutover-shell "$script" < /dev/null | grep -q '+ revision test/orders' || { echo "the shell printed no plan" >&2; exit 1; }

elapsed() { local s e; s=$(date +%s%N); "$@" < /dev/null > /dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
declare -a bare nocds c2 cds
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 0; i < rounds; i++)); do
  bare+=("$(elapsed sh -c "echo /exit | $jshell_bin -q")")
  nocds+=("$(elapsed env CUTOVER_CDS=0 ./cutover-shell "$script")")
  c2+=("$(elapsed env CUTOVER_C1=0 ./cutover-shell "$script")")
  cds+=("$(elapsed ./cutover-shell "$script")")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
b=$(median "${bare[@]}"); n=$(median "${nocds[@]}"); f=$(median "${c2[@]}"); c=$(median "${cds[@]}")
echo "rounds=$rounds nproc=$(nproc) load before=$load_before after=$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %8s ms  (%s)\n' "bare jshell, start and exit" "$b" "${bare[*]}"
printf '%-44s %8s ms  (%s)  %.2fx bare\n' "cutover-shell to first plan, no CDS" "$n" "${nocds[*]}" "$(echo "$n / $b" | bc -l)"
printf '%-44s %8s ms  (%s)  %.2fx bare\n' "cutover-shell to first plan, CDS, C1+C2 JIT" "$f" "${c2[*]}" "$(echo "$f / $b" | bc -l)"
printf '%-44s %8s ms  (%s)  %.2fx bare\n' "cutover-shell to first plan, CDS, C1 only" "$c" "${cds[*]}" "$(echo "$c / $b" | bc -l)"
