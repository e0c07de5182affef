"""Templates users teach: when a user assigns a form and maps columns for a table of an unfamiliar layout, the
correction is saved as a rule (its title keyword and its header labels as synonyms of the canonical columns) that
the next conversions apply by themselves.

A template is a JSON file in the format of resources/families (only `forms.<id>.titles` and `.synonyms`), kept in the
user's template folder (<data dir>/templates); the catalogue reads the folders named by $BUDGETTABLES_TEMPLATES
(`activate_templates`). A file is what a finance bureau shares: export writes one, import copies one in.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Optional

from ..catalogue import TEMPLATES_ENV, catalogue, match_score, norm, read_template
from ..model import ReportedError, Table
from ..tables.contents import title_key
from .journal import default_data_dir

TEMPLATES_DIR = "templates"


def user_templates_dir(data_dir=None) -> Path:
    return Path(data_dir if data_dir is not None else default_data_dir()) / TEMPLATES_DIR


def activate_templates(*folders) -> None:
    """Make conversions in this process (and the worker processes it starts) apply the templates in `folders`."""
    current = [x for x in os.environ.get(TEMPLATES_ENV, "").split(os.pathsep) if x]
    wanted = list(dict.fromkeys(current + [str(Path(f)) for f in folders]))
    if wanted == current:
        return
    os.environ[TEMPLATES_ENV] = os.pathsep.join(wanted)
    catalogue.cache_clear()


def template_from_table(table: Table, name: Optional[str] = None) -> dict:
    """The rule a corrected table teaches: its form, its title's name as a title keyword, and the header of every
    source column mapped to a canonical column the catalogue would not have matched, as that column's synonym."""
    form = catalogue().get(table.form)
    if form is None or form.reader:
        raise ReportedError("只有已指定标准表式的表格才能保存为模板")
    keyword = norm(title_key(table.title))
    synonyms: dict = {}
    for header, canonical in table.source_columns:
        label = norm(header)
        if canonical and label and not match_score(form.column(canonical), [label], False)[0]:
            synonyms.setdefault(canonical, []).append(re.escape(label))
    titles = [keyword] if len(keyword) >= 4 and catalogue().classify_title(table.title) is None else []
    if not titles and not synonyms:
        raise ReportedError("这张表的标题和表头已能自动识别，不需要保存模板")
    return {"id": f"user_{keyword or form.id}", "name": name or f"{keyword or table.title}（{form.name}）",
            "forms": {form.id: {"titles": titles, "synonyms": synonyms}}}


def save_template(template: dict, folder) -> Path:
    """Write a template into `folder` (a file named after it) and apply it from now on."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", template["id"])[:80]
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(template, ensure_ascii=False, indent=1), encoding="utf-8")
    activate_templates(folder)
    return path


def import_template(path, folder) -> Path:
    """Copy a shared template file into the user's folder (checked first) and apply it."""
    if read_template(path) is None:
        raise ReportedError(f"{Path(path).name}：不是有效的模板文件")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(path).name
    shutil.copyfile(path, target)
    activate_templates(folder)
    return target


def export_templates(folder, target) -> Path:
    """All templates of `folder` as one file to share (their rules merged)."""
    merged: dict = {}
    for path in sorted(Path(folder).glob("*.json")):
        template = read_template(path)
        for fid, add in (template or {}).get("forms", {}).items():
            entry = merged.setdefault(fid, {"titles": [], "synonyms": {}})
            entry["titles"] += [x for x in add["titles"] if x not in entry["titles"]]
            for column, synonyms in add["synonyms"].items():
                entry["synonyms"].setdefault(column, []).extend(s for s in synonyms
                                                                if s not in entry["synonyms"].get(column, []))
    if not merged:
        raise ReportedError("还没有保存任何模板")
    target = Path(target)
    target.write_text(json.dumps({"id": target.stem, "name": target.stem, "forms": merged}, ensure_ascii=False,
                                 indent=1), encoding="utf-8")
    return target
