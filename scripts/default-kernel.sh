#!/bin/sh
# Print the kernel release livemap builds and tests against by default:
# the one Debian's linux-image-amd64 metapackage points at (6.1 on bookworm).
# With --all: every installed kernel that has its build headers.
set -eu
if [ "${1:-}" = "--all" ]; then
	for d in /lib/modules/*/build; do
		[ -d "$d" ] && basename "$(dirname "$d")"
	done | sort -V
	exit 0
fi
dep=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null | sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
if [ -n "$dep" ] && [ -d "/lib/modules/$dep" ]; then
	echo "$dep"
	exit 0
fi
# Not installed (yet): the newest 6.1 release present, if any.
ls /lib/modules 2>/dev/null | grep '^6\.1\.' | sort -V | tail -n 1
