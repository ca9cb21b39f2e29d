# Progress helpers for scripts/demo.sh (sourced; bash). Kept apart so that
# internal/cli's TestDemoScriptProgress can run them on canned input.

# log prints a step line on stderr.
log() { printf '== %s\n' "$*" >&2; }

# build_progress TOTAL reads `go build -v` output (one package path per line
# as each is compiled; anything with a space or starting with '#' is a
# compiler message) and shows how many packages are compiled: redrawn in
# place on a terminal, every 50 packages otherwise. Messages pass through.
build_progress() {
  local total=$1 n=0 last=0 start=$SECONDS line
  while IFS= read -r line; do
    case $line in
      *' '* | '#'* | '') printf '%s\n' "$line" >&2; continue ;;
    esac
    n=$((n + 1))
    if [ -t 2 ]; then
      printf '\r   compiled %d of at most %d packages (%d s)' "$n" "$total" $((SECONDS - start)) >&2
    elif ((n - last >= 50)); then
      printf '   compiled %d of at most %d packages (%d s)\n' "$n" "$total" $((SECONDS - start)) >&2
      last=$n
    fi
  done
  if [ -t 2 ]; then printf '\n' >&2; fi
  printf '   compiled %d packages in %d s (the rest came from the Go build cache)\n' "$n" $((SECONDS - start)) >&2
}

# wait_progress PID LOG WHAT [STARTED] waits for the background job PID
# (started at $SECONDS = STARTED), printing every 10 s the last "I: ..."
# line debootstrap wrote to LOG, and returns the job's status.
wait_progress() {
  local pid=$1 logfile=$2 what=$3 start=${4:-$SECONDS} phase
  while kill -0 "$pid" 2>/dev/null; do
    phase=$(grep '^I: ' "$logfile" 2>/dev/null | tail -n 1 | cut -c4-80)
    printf '   %s: %d s, %s\n' "$what" $((SECONDS - start)) "${phase:-starting}" >&2
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
  done
  wait "$pid"
}
