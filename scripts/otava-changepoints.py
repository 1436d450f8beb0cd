"""Apache Otava's change points for series poolbench drew (examples/changepoints --otava).

Reads JSON {"max_pvalue": P, "series": [[x, ...], ...]} on stdin and writes, for each series,
its change points as [[index, size], ...] (size: Otava's forward relative change, mean after
/ mean before - 1) on stdout. Otava is not a dependency of poolbench: scripts/otava-compare.sh
installs it (apache-otava from PyPI) in a throwaway virtual environment.
"""

import json
import sys

from otava.analysis import compute_change_points


def main():
    request = json.load(sys.stdin)
    out = []
    for series in request["series"]:
        points, _ = compute_change_points(series, max_pvalue=request["max_pvalue"])
        out.append([[int(cp.index), float(cp.stats.forward_rel_change())] for cp in points])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
