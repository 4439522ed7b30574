# Runs one service command for SshCommandExecutor (docs/ssh.md). Everything that varies arrives
# on standard input as NUL-terminated fields, never on the command line: version, node
# directory, run token, run-key hash, log name, metadata flag, metadata JSON, variable count,
# NAME/VALUE pairs, script. Standard output starts with one header line, "S" once the command
# started or "E <why>" when it could not; once it ended, a second line "R <result> <status>", the
# base64 of the first bytes of the files LC_RESULT and LC_STATUS name (docs/design.md §9.3.1);
# then the tail of the command's output, and its standard error's tail on standard error; the
# exit status is the command's.
set -u
trap '' PIPE
fail() { printf 'E %s\n' "$1"; exit 1; }
field() { IFS= read -r -d '' "$1" || fail 'the request ended early'; }
field version
[ "$version" = lcssh1 ] || fail "unknown request version"
field dir; field token; field key; field service; field hasmeta; field meta; field count
[[ "$token" =~ ^[0-9a-f]{16,64}$ && "$key" =~ ^[0-9a-f-]{1,64}$ && "$count" =~ ^[0-9]{1,5}$ ]] \
  || fail 'malformed request'
vars=()
for ((i = 0; i < count; i++)); do
  field name; field value
  [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || fail 'malformed variable name'
  vars+=("$name=$value")
done
field script
{ [ -d "$dir/runs" ] && [ -d "$dir/logs" ] || mkdir -p -- "$dir/logs" "$dir/runs" 2> /dev/null; } && cd -- "$dir" \
  || fail "cannot create or enter the node directory $dir"
if [ "$hasmeta" = 1 ]; then
  { printf '%s' "$meta" > "metadata.json.$token" && mv -f -- "metadata.json.$token" metadata.json; } \
    || fail "cannot write $PWD/metadata.json"
  vars=("LC_METADATA=$PWD/metadata.json" "${vars[@]}")
fi
TZ=UTC0 printf -v stamp '%(%Y%m%dT%H%M%SZ)T' -1
log="logs/$service.$stamp.$token"
pidfile="runs/$key.$token.pid"
vars+=("LC_RESULT=$PWD/$log.result" "LC_STATUS=$PWD/$log.status")
[ -e "runs/$key.$token.cancel" ] && fail 'cancelled before it started'
setsid env -u LC_CLUSTER_ID -u LC_CLUSTER_NAME -u LC_ROLE -u LC_NODE_ID -u LC_NODE_IP \
  -u LC_SERVICE -u LC_OPERATION_ID -u LC_METADATA -u LC_BACKUP_ID -u LC_BACKUP_ARTIFACT \
  -u LC_BACKUP_DIR -u LC_APP_VERSION -u LC_NODE_CPU -u LC_NODE_MEMORY -u LC_NODE_VOLUME_SIZE \
  -u LC_RESULT -u LC_STATUS \
  -- "${vars[@]}" bash -c "$script" < /dev/null > "$log.out" 2> "$log.err" &
pid=$!
stat=$(< "/proc/$pid/stat") 2> /dev/null || stat=''
set -- ${stat##*) }
printf '%s %s\n' "$pid" "${20:-0}" > "$pidfile.tmp" && mv -f -- "$pidfile.tmp" "$pidfile"
if [ -e "runs/$key.$token.cancel" ]; then kill -KILL -- "-$pid" 2> /dev/null || kill -KILL "$pid"; fi
printf 'S\n'
wait "$pid"
rc=$?
rm -f -- "$pidfile" "runs/$key.$token.cancel"
report() { head -c 65540 -- "$1" 2> /dev/null | base64 | tr -d '\n'; }
printf 'R %s %s\n' "$(report "$log.result")" "$(report "$log.status")"
rm -f -- "$log.result" "$log.status"
tail -c 16384 -- "$log.out" 2> /dev/null
{ tail -c 16384 -- "$log.err" 2> /dev/null; } >&2
exit "$rc"
