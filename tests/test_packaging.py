"""The double-click app's build, without building it: build.spec's entry points, data and what it leaves out,
the version in one place, resources found inside a bundle, the entry scripts. (The real build and its smoke
test run in .ci/build.)"""
import ast
import importlib.util
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from converters import catalogue as resources
from converters.version import APP_ID, APP_NAME, __version__

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"


# ---------------------------------------------------------------------------------------------- the spec
class Recorder:
    """Stands in for PyInstaller's spec classes: records the arguments of each call."""

    def __init__(self, calls, kind):
        self.calls, self.kind = calls, kind

    def __call__(self, *args, **kwargs):
        self.calls.append((self.kind, args, kwargs))
        return types.SimpleNamespace(kind=self.kind, args=args, kwargs=kwargs, binaries=[], datas=[], pure=[],
                                     scripts=[])


def run_spec(work: Path, platform: str) -> tuple:
    """(namespace after executing build.spec as on `platform`, [(kind, args, kwargs)] of its PyInstaller calls).
    The output folder COLLECT would fill is work/dist/BudgetTables."""
    calls = []
    (work / "dist" / APP_ID).mkdir(parents=True)
    ns = {"SPECPATH": str(ROOT), "workpath": str(work / "build"), "DISTPATH": str(work / "dist"),
          **{k: Recorder(calls, k) for k in ("Analysis", "PYZ", "EXE", "COLLECT")}}
    real = sys.platform
    sys.platform = platform
    try:
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), ns)
    finally:
        sys.platform = real
    return ns, calls


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    """build.spec executed on this platform."""
    return run_spec(tmp_path_factory.mktemp("spec"), sys.platform)


@pytest.fixture(scope="module")
def windows_spec(tmp_path_factory):
    return run_spec(tmp_path_factory.mktemp("spec_win"), "win32")


def calls_of(calls, kind):
    return [(args, kwargs) for k, args, kwargs in calls if k == kind]


def test_windows_builds_two_programs_in_one_folder(windows_spec):
    _, calls = windows_spec
    exes = {kw["name"]: kw for _, kw in calls_of(calls, "EXE")}
    assert set(exes) == {APP_ID, f"{APP_ID}-cli"}
    assert exes[APP_ID]["console"] is False and exes[f"{APP_ID}-cli"]["console"] is True
    assert all(kw["exclude_binaries"] for kw in exes.values())          # one folder, not one file
    assert all(kw["icon"].endswith("app.ico") for kw in exes.values())
    [(collect_args, collect_kwargs)] = calls_of(calls, "COLLECT")
    assert collect_kwargs["name"] == APP_ID
    assert sum(1 for a in collect_args if getattr(a, "kind", None) == "EXE") == 2
    scripts = [Path(args[0][0]) for args, _ in calls_of(calls, "Analysis")]
    assert [s.name for s in scripts] == ["gui_entry.py", "cli_entry.py"] and all(s.exists() for s in scripts)


@pytest.mark.skipif(sys.platform == "win32", reason="Linux and macOS")
def test_elsewhere_one_program_and_a_link_to_it(spec):
    ns, calls = spec
    [(_, exe)] = calls_of(calls, "EXE")
    assert exe["name"] == APP_ID and exe["exclude_binaries"]
    [(analysis_args, _)] = calls_of(calls, "Analysis")
    assert [Path(s).name for s in analysis_args[0]] == ["gui_entry.py"]
    [(_, collect_kwargs)] = calls_of(calls, "COLLECT")
    assert collect_kwargs["name"] == APP_ID
    link = Path(ns["DISTPATH"]) / APP_ID / f"{APP_ID}-cli"
    assert link.is_symlink() and os.readlink(link) == APP_ID       # relative: the folder can move


@pytest.mark.parametrize("platform", ["spec", "windows_spec"])
def test_data_and_the_ocr_runtime_are_bundled(request, platform):
    ns, calls = request.getfixturevalue(platform)
    for _, kw in calls_of(calls, "Analysis"):
        assert (str(ROOT / "resources"), "resources") in kw["datas"]
        hidden = set(kw["hiddenimports"])
        # the engine imports every module it uses by a real import (sources.READERS): none is hidden from the analysis
        assert not {m for m in hidden if m.startswith("converters")}
        assert {m for m in ("onnxruntime", "pyclipper") if importlib.util.find_spec(m)} <= hidden   # the OCR
        assert set(ns["EXCLUDED_MODULES"]) == set(kw["excludes"])


@pytest.mark.parametrize("platform", ["spec", "windows_spec"])
def test_ocr_models_are_bundled_from_the_rapidocr_wheel(request, platform):
    ns, calls = request.getfixturevalue(platform)
    rapidocr = importlib.util.find_spec("rapidocr")
    if rapidocr is None:
        pytest.skip("no rapidocr (the OCR models' source)")
    models = Path(next(iter(rapidocr.submodule_search_locations))) / "models"
    expected = {(str(models / name), "resources/ocr_models") for name in
                ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")}
    for _, kw in calls_of(calls, "Analysis"):
        entries = {d for d in kw["datas"] if d[1] == "resources/ocr_models"}
        assert entries == expected and all(Path(src).is_file() for src, _ in entries)


def test_opencv_and_rapidocr_are_left_out_and_the_ocr_engine_is_not(spec):
    excluded = set(spec[0]["EXCLUDED_MODULES"])
    assert {"cv2", "rapidocr", "shapely", "omegaconf", "antlr4", "yaml", "colorlog"} <= excluded
    assert not {"onnxruntime", "pyclipper", "numpy"} & excluded


@pytest.mark.parametrize("exe", [APP_ID, f"{APP_ID}-cli"])
def test_windows_version_resource(spec, tmp_path, exe):
    ns, _ = spec
    text = Path(ns["version_file"](tmp_path, exe)).read_text(encoding="utf-8")
    found = {}

    def record(name):
        def make(*args, **kwargs):
            found.setdefault(name, []).append((args, kwargs))
            return name
        return make

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct")
    eval(compile(text, "version_info.txt", "eval"), {n: record(n) for n in names})
    numbers = tuple(int(n) for n in __version__.split("."))
    assert found["FixedFileInfo"][0][1]["filevers"][:len(numbers)] == numbers
    strings = dict(args for args, _ in found["StringStruct"])
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["ProductName"] == APP_NAME and strings["OriginalFilename"] == f"{exe}.exe"
    assert strings["FileDescription"].startswith(APP_NAME)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/plugins/styles/qmodernwindowsstyle.dll", "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/translations/qtbase_zh_CN.qm",
    "PySide6/Qt/lib/libQt6Widgets.so.6", "resources/forms.json", "resources/icons/app.svg",
    "pdfminer/cmap/UniGB-UCS2-H.pickle.gz", "resources/ocr_models/PP-OCRv6_rec_small.onnx",
    "onnxruntime/capi/onnxruntime_pybind11_state.cpython-311-x86_64-linux-gnu.so",
    "fastparquet/cencoding.cpython-311-x86_64-linux-gnu.so", "docx/templates/default.docx",
    "docx/templates/default-styles.xml",
])
def test_kept(spec, dest):
    assert not spec[0]["is_left_out"](dest)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/plugins/tls/qschannelbackend.dll",
    "PySide6/Qt/plugins/imageformats/libqwebp.so", "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
    "PySide6/Qt/translations/qtbase_de.qm", "PySide6/translations/qt_ja.qm", "PySide6/Qt/translations/qt_zh_CN.qm",
    "PySide6/opengl32sw.dll", "docx/templates/default-docx-template/word/styles.xml",
])
def test_left_out(spec, dest):
    assert spec[0]["is_left_out"](dest)


def test_prune_drops_libraries_only_left_out_files_needed(spec):
    prune = spec[0]["prune"]
    links = {"/s/libqwayland.so": ["libQt6WaylandClient.so.6", "libQt6Gui.so.6"],
             "/s/libqxcb.so": ["libQt6XcbQpa.so.6", "libQt6Gui.so.6"],
             "/s/libQt6WaylandClient.so.6": ["libwayland-client.so.0"]}
    toc = [("PySide6/Qt/plugins/platforms/libqwayland.so", "/s/libqwayland.so", "BINARY"),
           ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/libqxcb.so", "BINARY"),
           ("PySide6/Qt/lib/libQt6WaylandClient.so.6", "/s/libQt6WaylandClient.so.6", "BINARY"),
           ("libwayland-client.so.0", "/s/libwayland-client.so.0", "BINARY"),
           ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/libQt6Gui.so.6", "BINARY"),
           ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/libQt6XcbQpa.so.6", "BINARY"),
           ("libQt6WaylandClient.so.6", "PySide6/Qt/lib/libQt6WaylandClient.so.6", "SYMLINK"),
           ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
           ("resources/forms.json", "/r/forms.json", "DATA")]
    kept, dropped = prune(toc, lambda src: links.get(src, []))
    assert {d for d, _, _ in kept} == {"PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/lib/libQt6Gui.so.6",
                                       "PySide6/Qt/lib/libQt6XcbQpa.so.6", "libQt6Gui.so.6", "resources/forms.json"}
    assert len(kept) + len(dropped) == len(toc)


@pytest.mark.skipif(sys.platform == "win32" or not shutil.which("strip"), reason="Linux with binutils only")
def test_binaries_are_stripped_unless_strip_misaligns_them(spec, tmp_path):
    import numpy
    import PIL._imaging
    ns, _ = spec
    imaging = Path(PIL._imaging.__file__)                   # the Pillow wheel ships its debug sections
    openblas = next((Path(numpy.__file__).parent.parent / "numpy.libs").glob("libscipy_openblas*.so"), None)
    if openblas is None:
        pytest.skip("numpy without its own OpenBLAS")
    toc = [(f"PIL/{imaging.name}", str(imaging), "EXTENSION"),
           (f"numpy.libs/{openblas.name}", str(openblas), "BINARY"),       # patched by auditwheel
           ("resources/forms.json", str(ROOT / "resources" / "forms.json"), "DATA")]
    out = ns["without_symbols"](toc, tmp_path)
    assert Path(out[0][1]) == tmp_path / "strip-unneeded" / "PIL" / imaging.name
    assert Path(out[0][1]).stat().st_size < imaging.stat().st_size and ns["segments_aligned"](out[0][1])
    assert out[1:] == toc[1:]
    assert ns["segments_aligned"](openblas)
    assert not ns["segments_aligned"](tmp_path / "strip-unneeded" / "numpy.libs" / openblas.name)


def imported_modules(folder: Path) -> set:
    names = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_parquet_writer_is_bundled_and_pyarrow_is_not(spec):
    ns, _ = spec
    assert "pyarrow" in ns["EXCLUDED_MODULES"]
    assert not {"fastparquet", "cramjam", "fsspec"} & set(ns["EXCLUDED_MODULES"])


def test_app_code_imports_nothing_the_bundle_leaves_out(spec):
    ns, _ = spec
    used = imported_modules(ROOT / "converters") | imported_modules(ROOT / "gui") | {"main"}
    clash = {m for m in used for x in ns["EXCLUDED_MODULES"] if x not in ns["NOT_IN_BUNDLE"]
             and (m == x or m.startswith(x + "."))}
    assert not clash, f"build.spec leaves out modules the app imports: {sorted(clash)}"


# ---------------------------------------------------------------------------------------------- version, resources
def test_version_in_one_place(qtbot, tmp_path, monkeypatch):
    assert all(part.isdigit() for part in __version__.split(".")) and len(__version__.split(".")) == 3
    from PySide6.QtCore import QSettings

    from gui import dialogs
    from gui.main_window import MainWindow
    shown = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, title, text: shown.append((title, text)))
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), data_dir=tmp_path)
    qtbot.addWidget(window)
    assert window.windowTitle() == APP_NAME
    window.about()
    assert shown and shown[0][0] == "关于" and f"{APP_NAME} {__version__}" in shown[0][1]


def test_icons_exist():
    from PIL import Image
    icons = ROOT / "resources" / "icons"
    assert (256, 256) in Image.open(icons / "app.ico").info["sizes"]
    assert Image.open(icons / "app.png").size == (256, 256)


def test_resource_path_inside_a_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("forms.json") == tmp_path / "resources" / "forms.json"
    monkeypatch.delattr(sys, "_MEIPASS")
    assert resources.resource_path("forms.json") == ROOT / "resources" / "forms.json"
    assert resources.resource_path("forms.json").exists()


@pytest.mark.parametrize("args", [["convert", "--help"], ["--help"]])
def test_cli_entry_accepts_convert_or_not(args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(ROOT / "packaging" / "cli_entry.py"), *args], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "--out" in r.stdout


def gui_entry():
    spec = importlib.util.spec_from_file_location("gui_entry", ROOT / "packaging" / "gui_entry.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)          # its program runs under `if __name__ == "__main__"` only
    return module


@pytest.mark.parametrize("started_as, cli", [
    ("dist/BudgetTables/BudgetTables", False), ("dist/BudgetTables/BudgetTables-cli", True),
    ("BudgetTables-cli", True),                                     # found on PATH
])
def test_the_program_is_the_cli_when_started_by_its_name(monkeypatch, tmp_path, started_as, cli):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [started_as])
    assert gui_entry().started_as_cli() is cli


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_the_program_is_the_cli_through_further_links(monkeypatch, tmp_path):
    (tmp_path / APP_ID).write_text("")
    (tmp_path / f"{APP_ID}-cli").symlink_to(APP_ID)
    (tmp_path / "bt").symlink_to(f"{APP_ID}-cli")           # e.g. ~/bin/bt -> …/BudgetTables-cli
    (tmp_path / "gui").symlink_to(APP_ID)
    entry = gui_entry()
    for name, cli in (("bt", True), ("gui", False)):
        monkeypatch.setattr(sys, "argv", [str(tmp_path / name)])
        assert entry.started_as_cli() is cli


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_gui_entry_started_as_the_cli_runs_it(tmp_path):
    link = tmp_path / f"{APP_ID}-cli"
    link.symlink_to(ROOT / "packaging" / "gui_entry.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(link), "convert", "--help"], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert "--out" in r.stdout


# ---------------------------------------------------------------------------------------------- frozen CLI
@pytest.mark.parametrize("frozen, prog", [(False, "main.py convert"), (True, f"{APP_ID}-cli convert")])
def test_cli_usage_names_the_program(monkeypatch, capsys, frozen, prog):
    from converters import cli
    if frozen:
        monkeypatch.setattr(sys, "frozen", True, raising=False)
        monkeypatch.setattr(sys, "executable", str(Path("dist") / APP_ID / f"{APP_ID}-cli"))
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert capsys.readouterr().out.startswith(f"usage: {prog} ")


def test_scheduler_without_dask_in_the_bundle(monkeypatch):
    from converters.batch import BatchError, connect
    monkeypatch.setitem(sys.modules, "distributed", None)          # build.spec leaves Dask out
    with pytest.raises(BatchError, match="未安装 dask"):
        connect("tcp://127.0.0.1:1")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(BatchError, match="安装包版不含 Dask 集群模式"):
        connect("tcp://127.0.0.1:1")
