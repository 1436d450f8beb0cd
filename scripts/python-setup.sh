#!/usr/bin/env bash
# Sets up poolbench's Python side: a virtual environment in python/.venv with the pinned
# Pillow of python/requirements.txt, from the Python package registry. poolbench finds it
# there (`poolbench run --with-python`, `--models py-pool,...`) and the tests use it.
#
#   scripts/python-setup.sh                 # with the machine's python3 (3.9 or newer)
#   PYTHON=python3.12 scripts/python-setup.sh
#   scripts/python-setup.sh --cluster       # also the cluster engines, Dask and Ray (py-dask,
#                                           # py-ray-pool), pinned in python/requirements-cluster.txt
#
# Running it again is cheap: an environment that already has the pinned Pillow (and, with
# --cluster, the pinned engines) is kept.
# Exit status: 0 when python/.venv works, 1 when it could not be made (the message says why).
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=false
for arg in "$@"; do
    case $arg in
        --cluster) cluster=true ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "python-setup: unknown option $arg (accepted: --cluster)" >&2; exit 2 ;;
    esac
done
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
if $cluster; then
    dask_pin=$(sed -n 's/^distributed==//p' python/requirements-cluster.txt)
    ray_pin=$(sed -n 's/^ray==//p' python/requirements-cluster.txt)
    have=$("$venv/bin/python" -c 'from importlib import metadata as m
for p in ("distributed", "ray"):
    try: print(m.version(p))
    except m.PackageNotFoundError: print("-")' 2>/dev/null | tr '\n' ' ')
    if [[ $have == "$dask_pin $ray_pin " ]]; then
        echo "python-setup: $venv already has distributed $dask_pin and ray $ray_pin"
    elif ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-cluster.txt; then
        echo "python-setup: could not install python/requirements-cluster.txt (Dask, Ray) from the package registry" >&2
        exit 1
    fi
fi
"$venv/bin/python" python/poolbench_helper.py probe
