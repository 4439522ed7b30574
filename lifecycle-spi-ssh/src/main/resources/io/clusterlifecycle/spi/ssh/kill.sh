# Kills runs of SshCommandExecutor (docs/ssh.md) and waits until they are gone. Standard input
# holds NUL-terminated fields: version, node directory, run-key hash, run token ("*" for every
# run with that key), grace in tenths of a second, wait in tenths of a second. A run whose
# process has already ended is left alone, and so are the processes it left behind. Exits 0 once
# every such run is gone, 3 when one outlived the wait.
set -u
field() { IFS= read -r -d '' "$1" || { echo 'the request ended early' >&2; exit 2; }; }
field version; field dir; field key; field token; field grace; field patience
[[ "$version" = lcssh1 && "$key" =~ ^[0-9a-f-]{1,64}$ && "$token" =~ ^([0-9a-f]{16,64}|\*)$ \
  && "$grace" =~ ^[0-9]{1,6}$ && "$patience" =~ ^[0-9]{1,6}$ ]] \
  || { echo 'malformed request' >&2; exit 2; }
cd -- "$dir" 2> /dev/null || exit 0
[ "$token" = '*' ] || : > "runs/$key.$token.cancel" 2> /dev/null
# leader PID START: true while the run's first process (started at START) has not ended
leader() {
  local line
  IFS= read -r line < "/proc/$1/stat" 2> /dev/null || return 1
  set -- "$2" ${line##*) }
  [ "$2" != Z ] && { [ "$1" = 0 ] || [ "${21}" = "$1" ]; }
}
# group PGID: true while a process of the group has not ended
group() {
  local f line
  for f in /proc/[0-9]*/stat; do
    IFS= read -r line < "$f" 2> /dev/null || continue
    set -- ${line##*) }
    [ "$3" = "$pg" ] && [ "$1" != Z ] && return 0
  done
  return 1
}
signal() { kill "-$1" -- "-$pg" 2> /dev/null || kill "-$1" "$pg" 2> /dev/null; }
status=0
shopt -s nullglob
for f in runs/"$key".$token.pid; do
  read -r pg start < "$f" 2> /dev/null || continue
  [[ "$pg" =~ ^[0-9]+$ ]] || continue
  if leader "$pg" "${start:-0}"; then
    signal TERM
    for ((i = 0; i < grace; i++)); do group || break; sleep 0.1; done
    group && signal KILL
    for ((i = 0; i < patience; i++)); do group || break; sleep 0.1; done
    if group; then echo "process group $pg is still alive" >&2; status=3; continue; fi
  fi
  rm -f -- "$f"
done
exit "$status"
