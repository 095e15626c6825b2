#!/bin/sh
# fzzf-tui offline installer for Linux (统信UOS, 银河麒麟, Debian, Ubuntu ...). No network needed:
# it creates a virtual environment and installs from the wheels/ folder beside this script.
#
#   sh install.sh [INSTALL_DIR]        default: ~/.local/opt/fzzf-tui
#
# Environment: PYTHON=/path/to/python3 chooses the Python; FZZF_NO_SHORTCUTS=1 skips the
# ~/.local/bin/fzzf link and the application-menu entry (used by CI).
set -eu

VERSION="@VERSION@"
HERE=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
WHEELS="$HERE/wheels"
TARGET=${1:-"$HOME/.local/opt/fzzf-tui"}
VENV="$TARGET/venv"

say() { printf '%s\n' "$*"; }
fail() { printf '错误：%s\n' "$*" >&2; exit 1; }

# A Python qualifies when it is 3.10 or newer and has the venv module.
py_ok() {
    "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1
}

find_python() {
    for candidate in "$TARGET/python/bin/python3" python3.14 python3.13 python3.12 python3.11 python3.10 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && py_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# A Python runtime shipped in the kit's python/ folder (python-build-standalone
# "install_only" archive for this machine's processor), unpacked into $TARGET/python.
unpack_bundled_python() {
    arch=$(uname -m)
    for archive in "$HERE"/python/cpython-3.*-"$arch"-unknown-linux-gnu-install_only*.tar.gz; do
        [ -f "$archive" ] || continue
        say "系统中没有 Python 3.10 以上版本，正在解压随附的 Python：$(basename "$archive")"
        rm -rf "$TARGET/python"
        tar -xzf "$archive" -C "$TARGET" || fail "解压 $archive 失败"
        py_ok "$TARGET/python/bin/python3" && return 0
        fail "随附的 Python 不能在本机运行：$archive"
    done
    return 1
}

[ -d "$WHEELS" ] || fail "找不到 $WHEELS：请把整个安装包解压后再运行本脚本"
say "fzzf-tui $VERSION 离线安装（不联网）"
say "安装目录：$TARGET"
# Only a folder this installer made (marked) or an empty one: it may remove venv/ and python/.
if [ -d "$TARGET" ] && [ ! -f "$TARGET/.fzzf-kit" ] && [ -n "$(ls -A "$TARGET")" ]; then
    fail "安装目录 $TARGET 中已有其他文件。请指定一个新的或空的目录：sh install.sh 目录"
fi
mkdir -p "$TARGET" || fail "无法创建安装目录 $TARGET"
: > "$TARGET/.fzzf-kit"

if [ -n "${PYTHON:-}" ]; then
    py_ok "$PYTHON" || fail "PYTHON=$PYTHON 不能使用：需要 Python 3.10 或更高版本（含 venv 模块）"
    PY=$PYTHON
elif PY=$(find_python); then
    :
elif unpack_bundled_python; then
    PY="$TARGET/python/bin/python3"
else
    FOUND=$(python3 -c 'import platform; print(platform.python_version())' 2>/dev/null || true)
    [ -n "$FOUND" ] && say "本机的 python3 是 $FOUND，低于 3.10。"
    fail "没有找到 Python 3.10 或更高版本（统信UOS 20 自带 3.7、银河麒麟 V10 自带 3.8，版本不够）。
请使用带有随附 Python 的安装包，或请信息中心安装 Python 3.10 以上版本后，用
PYTHON=/path/to/python3 sh install.sh 再试。详见 安装说明.txt。"
fi
say "使用 Python：$PY（$("$PY" -c 'import platform; print(platform.python_version())')）"

# Reuse the environment of an earlier install (upgrade); recreate it if its Python is gone.
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$VENV"
    if ! "$PY" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian-based systems without the python3-venv package have no ensurepip:
        # create the environment without pip and bring pip from the kit's own wheel.
        rm -rf "$VENV"
        "$PY" -m venv --without-pip "$VENV" || fail "无法创建虚拟环境 $VENV"
    fi
fi
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    PIP_WHEEL=$(ls "$WHEELS"/pip-*.whl 2>/dev/null | tail -n 1)
    [ -n "$PIP_WHEEL" ] || fail "安装包中缺少 pip"
    PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" "$PIP_WHEEL/pip" --isolated install --quiet \
        --no-index --find-links "$WHEELS" pip || fail "安装 pip 失败"
fi

say "正在安装 fzzf-tui 及其依赖……"
# --isolated and PIP_CONFIG_FILE=/dev/null: no pip configuration or index of this machine is
# consulted; --no-index: nothing is downloaded, everything comes from wheels/.
PIP_CONFIG_FILE=/dev/null "$VENV/bin/python" -m pip --isolated --disable-pip-version-check install \
    --quiet --no-index --find-links "$WHEELS" --upgrade --upgrade-strategy eager \
    "fzzf-tui==$VERSION" || fail "安装失败（上面是 pip 的说明）。请把本窗口拍照发给技术支持。"

FZZF="$VENV/bin/fzzf"
# From the install folder, so that no ./plugins of the folder we were started in is loaded.
(cd "$TARGET" && "$FZZF" --version) || fail "安装后无法运行 fzzf"

if [ "${FZZF_NO_SHORTCUTS:-}" != "1" ]; then
    mkdir -p "$HOME/.local/bin"
    ln -sf "$FZZF" "$HOME/.local/bin/fzzf"
    APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
    mkdir -p "$APPS"
    cat > "$APPS/fzzf-tui.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=法治政府督察（fzzf）
Comment=法治政府建设督察工具
Exec="$FZZF"
Terminal=true
Categories=Office;
DESKTOP
fi

say ""
say "安装完成。"
case ":$PATH:" in
    *":$HOME/.local/bin:"*) say "打开程序：在终端输入 fzzf（或从应用菜单打开“法治政府督察”）" ;;
    *) say "打开程序：$FZZF（重新登录后也可直接输入 fzzf）" ;;
esac
say "检查运行环境：fzzf doctor        示例数据：fzzf demo"
say "卸载：删除 $TARGET 即可；检查数据保存在数据目录（见 fzzf doctor），不会被删除。"
