#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2034  # COMP_* are read by the completion function
#
# Bash completion of swctl (tools/swctl.bash-completion), driven the way
# bash drives it: COMP_WORDS / COMP_CWORD set, _swctl called, COMPREPLY
# checked. No kernel module, no root: runs on the build host.
#
#   instances:  a stub `ip` first on PATH lists softwire devices mape0 and
#               mape1@NONE (ip -o link show type softwire); it logs each call
#   modes:      without the bash-completion package (the file's own word
#               split), and with its _init_completion when it is installed
#
# Pins: values after timeout-tcp-trans / timeout-icmp are not completed as
# keywords (the parameter list spans lines); `stats -s <TAB>` offers the
# instances, not the options again.

. "$(dirname "$0")/lib.sh"

TMPD=$(mktemp -d)
cleanup() { rm -rf "$TMPD"; lib_cleanup; }
trap cleanup EXIT

COMPLETION=$LIB_DIR/../tools/swctl.bash-completion
[ -r "$COMPLETION" ] || { _failed "$COMPLETION readable"; ksft_exit; }

mkdir "$TMPD/bin"
cat >"$TMPD/bin/ip" <<EOF
#!/bin/sh
echo "\$*" >>"$TMPD/ip.calls"
[ "\$*" = "-o link show type softwire" ] || exit 1
echo '7: mape0: <NOARP,UP,LOWER_UP> mtu 1460 qdisc noqueue state UNKNOWN mode DEFAULT'
echo '9: mape1@NONE: <NOARP> mtu 1460 qdisc noop state DOWN mode DEFAULT'
EOF
chmod +x "$TMPD/bin/ip"

# complete MODE LINE: COMPREPLY, sorted, space-separated, for LINE (the
# word under the cursor is the last one; a trailing space starts a new one).
# MODE plain: the file alone; MODE bc: after the bash-completion package.
complete_line() {
	PATH=$TMPD/bin:$PATH MODE=$1 LINE=$2 BC=$BC_FILE COMPLETION=$COMPLETION \
		bash --norc --noprofile -c '
		[ "$MODE" = bc ] && . "$BC"
		. "$COMPLETION" || exit 1
		read -r -a COMP_WORDS <<<"$LINE"
		[[ $LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$LINE
		COMP_POINT=${#LINE}
		COMPREPLY=()
		_swctl swctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"'
}

PARAMS="fastpath filter mark max-mappings max-per-host mss-clamp timeout-icmp \
timeout-tcp-est timeout-tcp-trans timeout-udp"

cases() {
	local m=$1 p
	log "mode $m"
	# Values of every parameter: nothing to offer, never keywords.
	for p in timeout-udp timeout-tcp-est timeout-tcp-trans timeout-icmp \
		max-mappings max-per-host mss-clamp mark; do
		check_eq "$m: map-e set mape0 $p <TAB>: no keywords" "" \
			"$(complete_line "$m" "swctl map-e set mape0 $p ")"
		check_eq "$m: map-e add ... $p <TAB>: no keywords" "" \
			"$(complete_line "$m" "swctl map-e add x end-user-prefix 2001:db8::/56 $p ")"
	done
	check_eq "$m: map-e set mape0 timeout-icmp 60 <TAB>: the parameters" "$PARAMS" \
		"$(complete_line "$m" "swctl map-e set mape0 timeout-icmp 60 ")"
	check_eq "$m: map-e set mape0 <TAB>: the parameters" "$PARAMS" \
		"$(complete_line "$m" "swctl map-e set mape0 ")"
	check_eq "$m: map-e set mape0 filter <TAB>" "adf apdf eif" \
		"$(complete_line "$m" "swctl map-e set mape0 filter ")"
	check_eq "$m: map-e set mape0 fastpath <TAB>" "off on" \
		"$(complete_line "$m" "swctl map-e set mape0 fastpath ")"
	check_eq "$m: map-e set <TAB>: the instances" "help mape0 mape1" \
		"$(complete_line "$m" "swctl map-e set ")"

	check_eq "$m: stats <TAB>: the instances" "help mape0 mape1" \
		"$(complete_line "$m" "swctl stats ")"
	check_eq "$m: stats -s <TAB>: the instances" "help mape0 mape1" \
		"$(complete_line "$m" "swctl stats -s ")"
	check_eq "$m: stats --explain -s m<TAB>: the instances" "mape0 mape1" \
		"$(complete_line "$m" "swctl stats --explain -s m")"
	check_eq "$m: stats -s mape0 <TAB>: nothing" "" \
		"$(complete_line "$m" "swctl stats -s mape0 ")"
	check_eq "$m: stats mape0 -<TAB>: the options" "--all --explain -e -s" \
		"$(complete_line "$m" "swctl stats mape0 -")"
	check_eq "$m: -j stats <TAB>: the instances" "help mape0 mape1" \
		"$(complete_line "$m" "swctl -j stats ")"

	check_eq "$m: <TAB>: the objects" "del help map-e monitor show stats" \
		"$(complete_line "$m" "swctl ")"
	check_eq "$m: --<TAB>: the long options" "--all --explain --help --json --pretty --version" \
		"$(complete_line "$m" "swctl --")"
	check_eq "$m: show m<TAB>" "mape0 mape1" "$(complete_line "$m" "swctl show m")"
	check_eq "$m: map-e forward add mape0 proto <TAB>" "tcp udp" \
		"$(complete_line "$m" "swctl map-e forward add mape0 proto ")"
}

cases plain
check_match "the instances came from the stub ip" '^-o link show type softwire$' \
	"$(sort -u "$TMPD/ip.calls" 2>/dev/null)"
BC_FILE=/usr/share/bash-completion/bash_completion
if [ -r "$BC_FILE" ]; then
	cases bc
else
	log "bash-completion not installed: its _init_completion not exercised"
fi
ksft_exit
