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

from converters import resources
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


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    """(namespace after executing build.spec, [(kind, args, kwargs)] of its PyInstaller calls)."""
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package: [(f"/site-packages/{package}/data.yaml", package)]
    saved = {name: sys.modules.get(name) for name in ("PyInstaller", "PyInstaller.utils", "PyInstaller.utils.hooks")}
    sys.modules.update({"PyInstaller": types.ModuleType("PyInstaller"),
                        "PyInstaller.utils": types.ModuleType("PyInstaller.utils"), "PyInstaller.utils.hooks": hooks})
    calls = []
    ns = {"SPECPATH": str(ROOT), "workpath": str(tmp_path_factory.mktemp("work")), "DISTPATH": "dist",
          **{k: Recorder(calls, k) for k in ("Analysis", "PYZ", "EXE", "COLLECT")}}
    try:
        exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), ns)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return ns, calls


def calls_of(calls, kind):
    return [(args, kwargs) for k, args, kwargs in calls if k == kind]


def test_two_programs_in_one_folder(spec):
    _, calls = spec
    exes = {kw["name"]: kw for _, kw in calls_of(calls, "EXE")}
    assert set(exes) == {APP_ID, f"{APP_ID}-cli"}
    assert exes[APP_ID]["console"] is False and exes[f"{APP_ID}-cli"]["console"] is True
    assert all(kw["exclude_binaries"] for kw in exes.values())          # one folder, not one file
    [(collect_args, collect_kwargs)] = calls_of(calls, "COLLECT")
    assert collect_kwargs["name"] == APP_ID
    assert sum(1 for a in collect_args if getattr(a, "kind", None) == "EXE") == 2
    scripts = [Path(args[0][0]) for args, _ in calls_of(calls, "Analysis")]
    assert [s.name for s in scripts] == ["gui_entry.py", "cli_entry.py"] and all(s.exists() for s in scripts)


def test_data_and_modules_loaded_by_name_are_bundled(spec):
    ns, calls = spec
    for _, kw in calls_of(calls, "Analysis"):
        assert (str(ROOT / "resources"), "resources") in kw["datas"]
        hidden = set(kw["hiddenimports"])
        # pipeline.TABLE_READERS imports its readers by name: the analysis cannot see them
        assert {f"converters.{p.stem}" for p in (ROOT / "converters").glob("*.py") if p.stem != "__init__"} <= hidden
        for package, lazy in ns["OPTIONAL_PACKAGES"].items():
            if ns["installed"](package):
                assert {package, *lazy} <= hidden
                assert (f"/site-packages/{package}/data.yaml", package) in kw["datas"]
        assert set(ns["EXCLUDED_MODULES"]) == set(kw["excludes"])


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
    "pdfminer/cmap/UniGB-UCS2-H.pickle.gz", "rapidocr/models/PP-OCRv6_rec_small.onnx",
    "fastparquet/cencoding.cpython-311-x86_64-linux-gnu.so", "cv2/cv2.abi3.so",
])
def test_kept(spec, dest):
    assert not spec[0]["is_left_out"](dest)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/plugins/tls/qschannelbackend.dll",
    "PySide6/Qt/plugins/imageformats/libqwebp.so", "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
    "PySide6/Qt/translations/qtbase_de.qm", "PySide6/translations/qt_ja.qm", "PySide6/Qt/translations/qt_zh_CN.qm",
    "PySide6/opengl32sw.dll", "cv2/opencv_videoio_ffmpeg4140_64.dll",
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


def test_prune_drops_libraries_only_stubbed_libraries_needed(spec):
    prune = spec[0]["prune"]
    links = {"/s/cv2.so": ["libavcodec.so", "libpng.so"], "/s/libavcodec.so": ["libvpx.so", "libpng.so"],
             "/stub/libavcodec.so": ["libc.so.6"]}
    toc = [("cv2/cv2.so", "/s/cv2.so", "EXTENSION"),
           ("cv.libs/libavcodec.so", "/stub/libavcodec.so", "BINARY"),
           ("cv.libs/libvpx.so", "/s/libvpx.so", "BINARY"),
           ("cv.libs/libpng.so", "/s/libpng.so", "BINARY")]
    kept, dropped = prune(toc, lambda src: links.get(src, []),
                          [("cv.libs/libavcodec.so", "/s/libavcodec.so", "BINARY")])
    assert [d for d, _, _ in dropped] == ["cv.libs/libvpx.so"]


@pytest.mark.skipif(not sys.platform.startswith("linux") or not (shutil.which("gcc") and shutil.which("objdump")),
                    reason="Linux with gcc and binutils only")
def test_opencv_video_and_av1_libraries_are_bundled_as_stubs(spec, tmp_path):
    cv2_spec = importlib.util.find_spec("cv2")
    if cv2_spec is None:
        pytest.skip("no OpenCV")
    ns, _ = spec
    site = Path(cv2_spec.origin).parent.parent
    cv2 = next((site / "cv2").glob("cv2*.so"))
    toc = [(f"cv2/{cv2.name}", str(cv2), "EXTENSION")] + [
        (f"opencv_python_headless.libs/{p.name}", str(p), "BINARY")
        for p in sorted((site / "opencv_python_headless.libs").glob("lib*.so*"))]
    out, replaced = ns["stubbed"](toc, tmp_path)
    assert {Path(d).name.split("-")[0] for d, _, _ in replaced} == {"libavcodec", "libavformat", "libavutil",
                                                                    "libswscale", "libaom"}
    stubs = {d: src for d, src, _ in out if src.startswith(str(tmp_path))}
    assert set(stubs) == {d for d, _, _ in replaced}
    imports = set().union(*(ns["dynamic_symbols"](src)[1] for d, src, _ in toc if d not in stubs))   # cv2, libavif
    for dest, original, _ in replaced:
        defined, _ = ns["dynamic_symbols"](original)
        stub_defined, _ = ns["dynamic_symbols"](stubs[dest])
        used = {name: defined[name][0] for name in imports if name in defined}
        assert used and {name: stub_defined[name][0] for name in used} == used       # same names and versions
        assert ns["linked_libraries"](stubs[dest]) == ["libc.so.6"]
        assert Path(stubs[dest]).stat().st_size < 100_000


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
    assert Path(out[0][1]) == tmp_path / "stripped" / "PIL" / imaging.name
    assert Path(out[0][1]).stat().st_size < imaging.stat().st_size and ns["segments_aligned"](out[0][1])
    assert out[1:] == toc[1:]
    assert ns["segments_aligned"](openblas)
    assert not ns["segments_aligned"](tmp_path / "stripped" / "numpy.libs" / openblas.name)


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
