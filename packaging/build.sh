#!/usr/bin/env bash
# 构建安装包（Linux）：packaging/build.sh → dist/BudgetTables/（BudgetTables 桌面程序、BudgetTables-cli 命令行、_internal/）。
# Uses the project's virtual environment (.venv, or $VENV): creates it when missing, installs requirements.txt and the
# pinned build tools (packaging/requirements-build.txt), then runs PyInstaller on build.spec.
# Needs objdump (binutils) and the shared Python library (libpython3.11) on the build machine.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
if ! command -v objdump >/dev/null 2>&1; then
  echo "构建需要 objdump：请先安装 binutils（apt-get install binutils）" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q -r requirements.txt -r packaging/requirements-build.txt
"$VENV/bin/python" -m PyInstaller --noconfirm --log-level WARN build.spec
echo "已生成 dist/BudgetTables/（$(du -sh dist/BudgetTables | cut -f1)）：桌面程序 BudgetTables，命令行 BudgetTables-cli"
