# 构建安装包（Windows）：powershell -ExecutionPolicy Bypass -File packaging\build.ps1
# → dist\BudgetTables\（BudgetTables.exe 桌面程序、BudgetTables-cli.exe 命令行、_internal\）。
# Uses the project's virtual environment (.venv, or $env:VENV): creates it with the py launcher (Python 3.11) when
# missing, installs requirements.txt and the pinned build tools (packaging\requirements-build.txt), then runs
# PyInstaller on build.spec, the same spec as on Linux. Copy the whole dist\BudgetTables folder to the user's machine.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
$venv = if ($env:VENV) { $env:VENV } else { ".venv" }
$python = Join-Path $venv "Scripts\python.exe"

function Invoke-Checked([string]$what, [scriptblock]$command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what 失败（退出码 $LASTEXITCODE）" }
}

if (-not (Test-Path $python)) {
    Invoke-Checked "创建虚拟环境" { py -3.11 -m venv $venv }
}
Invoke-Checked "安装依赖" { & $python -m pip install -q -r requirements.txt -r packaging\requirements-build.txt }
Invoke-Checked "PyInstaller 构建" { & $python -m PyInstaller --noconfirm --log-level WARN build.spec }
$bytes = (Get-ChildItem dist\BudgetTables -Recurse -File | Measure-Object -Property Length -Sum).Sum
Write-Host ("已生成 dist\BudgetTables\（{0:N0} MB）：桌面程序 BudgetTables.exe，命令行 BudgetTables-cli.exe" -f ($bytes / 1MB))
