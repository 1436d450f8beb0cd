#!/usr/bin/env bash
# Sets up poolbench's Python side: a virtual environment in python/.venv with the pinned
# Pillow of python/requirements.txt, from the Python package registry. poolbench finds it
# there (`poolbench run --with-python`, `--models py-pool,...`) and the tests use it.
#
#   scripts/python-setup.sh                 # with the machine's python3 (3.9 or newer)
#   PYTHON=python3.12 scripts/python-setup.sh
#
# Running it again is cheap: an environment that already has the pinned Pillow is kept.
# Exit status: 0 when python/.venv works, 1 when it could not be made (the message says why).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
venv=python/.venv
if ! command -v "$python" >/dev/null 2>&1; then
    echo "python-setup: no $python on this machine; poolbench's Python side needs CPython 3.9+" >&2
    exit 1
fi
pinned=$(sed -n 's/^Pillow==//p' python/requirements.txt)
if [[ -x $venv/bin/python ]] && [[ $("$venv/bin/python" -c 'import PIL; print(PIL.__version__)' 2>/dev/null) == "$pinned" ]]; then
    echo "python-setup: $venv already has Pillow $pinned"
else
    rm -rf "$venv"
    if ! "$python" -m venv "$venv" 2>/tmp/python-setup-venv.log; then
        echo "python-setup: '$python -m venv' failed (on Debian: apt-get install python3-venv):" >&2
        tail -3 /tmp/python-setup-venv.log >&2
        exit 1
    fi
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements.txt; then
        echo "python-setup: could not install python/requirements.txt from the package registry" >&2
        exit 1
    fi
fi
"$venv/bin/python" python/poolbench_helper.py probe
