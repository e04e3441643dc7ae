#!/usr/bin/env bash
# Create .venv and install requirements-dev.txt into it, again only when a
# requirements file changed. Sourced by scripts/run and scripts/test.
set -euo pipefail

python_bin=${PYTHON:-python3}
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Python 3.11 or newer is required; set PYTHON to its path." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "Creating the virtualenv in .venv"
    "$python_bin" -m venv .venv
fi

stamp=.venv/requirements.sha256
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "Installing requirements into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    echo "$wanted" > "$stamp"
fi
