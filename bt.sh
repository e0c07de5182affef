#!/usr/bin/env bash
# BudgetTables set-up and start: `./bt.sh run [files…]` installs what the app needs and starts it;
# `./bt.sh test` installs what the tests need and runs them. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")"
VENV=.venv
APT_PACKAGES="libgl1 libegl1 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3 libxkbcommon0 libx11-6 libbrotli1 \
fonts-wqy-microhei xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libx11-xcb1"

install_system() {
  command -v apt-get >/dev/null 2>&1 || return 0
  local missing=()
  for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 && sudo="sudo" || {
      echo "警告：缺少系统包 ${missing[*]}，但当前用户无权安装（需要 root 或 sudo）" >&2; return 0; }
  fi
  echo "安装 Qt 运行库与中文字体：${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python() {
  [ -x "$VENV/bin/python" ] || python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -r "$1"
}

case "${1:-run}" in
  run)
    install_system
    install_python requirements.txt
    shift || true
    exec "$VENV/bin/python" main.py "$@"
    ;;
  test)
    install_system
    install_python requirements-dev.txt
    shift || true
    QT_QPA_PLATFORM=offscreen exec "$VENV/bin/python" -m pytest -q "$@"
    ;;
  *)
    echo "用法：./bt.sh run [文件…] | ./bt.sh test" >&2
    exit 2
    ;;
esac
