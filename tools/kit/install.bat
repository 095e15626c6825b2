@echo off
rem fzzf-tui offline installer for Windows 10/11. No network needed: it creates a virtual
rem environment and installs from the wheels\ folder beside this file.
rem
rem   install.bat [INSTALL_DIR]      default: %LOCALAPPDATA%\Programs\fzzf-tui
rem
rem Environment: PYTHON=C:\path\python.exe chooses the Python; FZZF_NO_SHORTCUTS=1 skips the
rem desktop launcher; FZZF_NO_PAUSE=1 does not wait for a key at the end.
rem The kit tool writes this file in the GBK code page with CRLF line ends, as cmd.exe on a
rem Chinese Windows reads it.
setlocal EnableExtensions DisableDelayedExpansion

set "VERSION=@VERSION@"
set "HERE=%~dp0"
set "WHEELS=%HERE%wheels"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%LOCALAPPDATA%\Programs\fzzf-tui"
set "VENV=%TARGET%\venv"
set "PY="

if not exist "%WHEELS%\" (
    echo 错误：找不到 wheels 文件夹。请把整个安装包解压后再运行本文件。
    goto :failed
)
echo fzzf-tui %VERSION% 离线安装（不联网）
echo 安装目录：%TARGET%

rem Only a folder this installer made (marked) or an empty one: it may remove venv and python.
if exist "%TARGET%\" if not exist "%TARGET%\.fzzf-kit" (
    dir /b /a "%TARGET%" 2>nul | findstr "^" >nul && (
        echo 错误：安装目录中已有其他文件。请指定一个新的或空的目录：install.bat 目录
        goto :failed
    )
)
if not exist "%TARGET%\" mkdir "%TARGET%" || goto :failed
type nul > "%TARGET%\.fzzf-kit"

rem Which Python: PYTHON, then one installed by an earlier run, the py launcher (newest
rem first), python on PATH, and last the installer shipped in the kit's python\ folder.
if defined PYTHON (
    call :check "%PYTHON%"
    if not defined PY (
        echo 错误：PYTHON=%PYTHON% 不能使用，需要 Python 3.10 或更高版本。
        goto :failed
    )
)
if not defined PY if exist "%TARGET%\python\python.exe" call :check "%TARGET%\python\python.exe"
if not defined PY for %%V in (3.14 3.13 3.12 3.11 3.10) do if not defined PY call :check_launcher %%V
if not defined PY call :check python
if not defined PY call :install_bundled
if not defined PY (
    echo 错误：没有找到 Python 3.10 或更高版本。
    echo 请使用带有随附 Python 的安装包，或先安装 Python 3.10 以上版本（64 位），详见 安装说明.txt。
    goto :failed
)
echo 使用 Python：%PY%

rem Reuse the environment of an earlier install (upgrade); recreate it if its Python is gone.
"%VENV%\Scripts\python.exe" -c "import sys" >nul 2>&1
if errorlevel 1 (
    if exist "%VENV%\" rmdir /s /q "%VENV%"
    %PY% -m venv "%VENV%"
    if errorlevel 1 (
        echo 错误：无法创建虚拟环境 %VENV%
        goto :failed
    )
)

echo 正在安装 fzzf-tui 及其依赖……
rem --isolated and PIP_CONFIG_FILE=nul: no pip configuration or index of this machine is
rem consulted; --no-index: nothing is downloaded, everything comes from wheels\.
set "PIP_CONFIG_FILE=nul"
"%VENV%\Scripts\python.exe" -m pip --isolated --disable-pip-version-check install --quiet --no-index --find-links "%WHEELS%" --upgrade --upgrade-strategy eager "fzzf-tui==%VERSION%"
if errorlevel 1 (
    echo 错误：安装失败（上面是 pip 的说明）。请把本窗口拍照发给技术支持。
    goto :failed
)
set "PIP_CONFIG_FILE="
rem From the install folder, so that no .\plugins of the folder we were started in is loaded.
pushd "%TARGET%"
"%VENV%\Scripts\fzzf.exe" --version
set "RC=%ERRORLEVEL%"
popd
if not "%RC%"=="0" (
    echo 错误：安装后无法运行 fzzf。
    goto :failed
)

rem A launcher. It switches the console to UTF-8 (code page 65001), under which conhost draws
rem box lines and quotes one column wide as the UI expects (under 936 they take two). Both are
rem on one line: cmd decodes each line of a batch file with the code page current when it
rem reads it, and the path may contain Chinese written here in GBK.
set "LAUNCHER=%TARGET%\fzzf.bat"
> "%LAUNCHER%" echo @echo off
>> "%LAUNCHER%" echo chcp 65001 ^>nul ^& "%VENV%\Scripts\fzzf.exe" %%*
if not "%FZZF_NO_SHORTCUTS%"=="1" if exist "%USERPROFILE%\Desktop\" copy /y "%LAUNCHER%" "%USERPROFILE%\Desktop\法治政府督察.bat" >nul

echo.
echo 安装完成。
echo 打开程序：双击桌面上的“法治政府督察.bat”，或运行 "%LAUNCHER%"
echo 检查运行环境："%LAUNCHER%" doctor        示例数据："%LAUNCHER%" demo
echo 卸载：删除 %TARGET% 和桌面上的“法治政府督察.bat”；检查数据保存在数据目录（见 doctor），不会被删除。
if not "%FZZF_NO_PAUSE%"=="1" pause
exit /b 0

:failed
if not "%FZZF_NO_PAUSE%"=="1" pause
exit /b 1

:check
"%~1" -c "import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)" >nul 2>&1
if not errorlevel 1 set PY="%~1"
exit /b 0

:check_launcher
py -%1 -c "import sys, venv; sys.exit(0 if sys.version_info >= (3, 10) else 1)" >nul 2>&1
if not errorlevel 1 set "PY=py -%1"
exit /b 0

:install_bundled
set "INSTALLER="
for %%F in ("%HERE%python\python-3.*-amd64.exe") do set "INSTALLER=%%~fF"
if not defined INSTALLER exit /b 0
echo 没有找到 Python 3.10 以上版本，正在为当前用户安装随附的 Python（不需要管理员权限）……
start "" /wait "%INSTALLER%" /quiet InstallAllUsers=0 PrependPath=0 Include_launcher=0 Include_test=0 Shortcuts=0 AssociateFiles=0 TargetDir="%TARGET%\python"
if exist "%TARGET%\python\python.exe" call :check "%TARGET%\python\python.exe"
exit /b 0
