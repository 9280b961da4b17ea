#!/bin/bash
# model.t - the hitless engine against the simulated 82540EM rings (TAP).
# Four fixed seeds and one new seed each run, 1,000,000 steps each (5 M in
# all); a failing seed is printed with the command that replays it.
top=$(cd "$(dirname "$0")/../.." && pwd)
model=$top/build/user/test/model/model
steps=${MODEL_STEPS:-1000000}
fresh=$(( $(date +%s) % 1000000 + 1000 ))
seeds="1 2 3 4 $fresh"

echo "1..5"
if [ ! -x "$model" ]; then
	for s in $seeds; do echo "not ok - seed $s: $model not built (make user)"; done
	exit 1
fi
i=0
fail=0
for s in $seeds; do
	i=$((i + 1))
	out=$("$model" --seed "$s" --seeds 1 --steps "$steps" --quiet 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^ok seed $s " <<<"$out"; then
		echo "ok $i - seed $s: $(grep "^ok seed" <<<"$out" | cut -d: -f2- | cut -c1-150)"
		grep '^#' <<<"$out"
	else
		echo "not ok $i - seed $s (replay: $model --seed $s --seeds 1 --steps $steps)"
		sed 's/^/# /' <<<"$out" | tail -n 20
		fail=1
	fi
done
exit $fail
