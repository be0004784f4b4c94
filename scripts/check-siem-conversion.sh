#!/usr/bin/env bash
# Converts the rule pack to Splunk SPL and Elasticsearch ES|QL with rdpcause's pySigma pipeline
# and checks that every rule converts and keeps its channel condition (see the README, "The same
# rules in a SIEM"). Installs sigma-cli and the two backends from PyPI into a virtual environment
# (default .build/sigma-venv, or $SIGMA_VENV).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${SIGMA_VENV:-.build/sigma-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q sigma-cli==3.1.0 pysigma-backend-splunk==2.1.0 pysigma-backend-elasticsearch==2.1.1
fi
"$venv/bin/python" scripts/check-siem-conversion.py
