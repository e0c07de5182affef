"""The product's data in resources/: the form catalogue (forms.json: the standard forms, their titles, columns and
column synonyms) and how a label is matched against it. Province and template-family specifics live in the resource
files, never in code (docs/architecture.md)."""
from __future__ import annotations

import json
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional


def resource_path(name: str) -> Path:
    """A bundled resource, from a source checkout or from the PyInstaller bundle."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base / "resources" / name


UNKNOWN_FORM = "unknown"                   # the form of a table that matches no catalogue form
UNKNOWN_FORM_NAME = "未识别（原始表格）"

_QUOTES = "“”‘’\"'「」『』"
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑳])")


@lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """Matching form of a label: NFKC (full-width → ASCII), no whitespace, no quotes. Cached: the same labels
    are matched against every form."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in _QUOTES)


def strip_enum(text: str) -> str:
    return _ENUM.sub("", text)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str                      # text | code | amount | count
    synonyms: tuple                # compiled (parent_regex|None, label_regex)


@dataclass(frozen=True)
class Form:
    id: str
    name: str
    titles: tuple
    columns: tuple                 # Column, catalogue order
    sides: tuple                   # ((marker, (column names…)), …) for two-sided tables
    reader: Optional[str]      # read by its own module (e.g. performance forms), not standardized from a grid
    spec: dict                     # the raw entry, for form-specific data (row_labels, wide_labels …)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> list:
        return [c.name for c in self.columns]


@dataclass(frozen=True)
class Family:
    """A template family (resources/families/<id>.json): disclosures printing the same tables the same way."""
    id: str
    name: str
    rank: int                      # ties in the batch report go to the lower rank
    forms: frozenset               # report.forms: the forms a document of the family holds
    markers: tuple                 # report.title_markers, normalized


@dataclass(frozen=True)
class Catalogue:
    forms: tuple
    layout_headers: frozenset
    code_parts: dict
    empty_markers: tuple
    total_labels: frozenset
    families: tuple = ()           # Family, by rank
    layout: dict = field(default_factory=dict)   # the families' layout quirks, by name (resources/families)

    def get(self, form_id: str) -> Optional[Form]:
        return next((f for f in self.forms if f.id == form_id), None)

    def column_kinds(self, form_id: str, columns: list) -> list:
        """Kind of each named column of a form (None for unknown forms or names outside the catalogue)."""
        form = self.get(form_id)
        kinds = {c.name: c.kind for c in form.columns} if form else {}
        return [kinds.get(c) for c in columns]

    def classify_title(self, title: str) -> Optional[Form]:
        """The form whose longest title keyword occurs in the title, or None."""
        t = norm(title)
        best, best_len = None, 0
        for form in self.forms:
            for kw in form.titles:
                if kw in t and len(kw) > best_len:
                    best, best_len = form, len(kw)
        return best


def _compile_synonym(s: str):
    parent, _, label = s.rpartition(">")
    return (re.compile(parent) if parent else None, re.compile(label))


@lru_cache(maxsize=None)
def catalogue() -> Catalogue:
    data = json.loads(Path(resource_path("forms.json")).read_text(encoding="utf-8"))
    families = load_families()
    layout = {}
    for fam in families:
        for fid, additions in fam.get("forms", {}).items():
            entry = next((f for f in data["forms"] if f["id"] == fid), None)
            if entry is None:
                raise ValueError(f"families/{fam['id']}.json: unknown form {fid!r}")
            _add_to_form(entry, additions)
        layout.update(fam.get("layout", {}))
    forms = []
    for f in data["forms"]:
        cols = tuple(Column(c["name"], c["kind"], tuple(_compile_synonym(norm(s)) for s in c["synonyms"]))
                     for c in f["columns"])
        sides = tuple((s["marker"], tuple(s["columns"])) for s in f.get("sides", []))
        forms.append(Form(f["id"], f["name"], tuple(norm(t) for t in f["titles"]), cols, sides,
                          f.get("reader"), f))
    return Catalogue(tuple(forms), frozenset(data["layout_headers"]), dict(data["code_parts"]),
                     tuple(data["empty_markers"]), frozenset(norm(x) for x in data["total_labels"]),
                     tuple(Family(f["id"], f["name"], f["rank"], frozenset(f["report"]["forms"]),
                                  tuple(norm(m) for m in f["report"]["title_markers"])) for f in families),
                     layout)


TEMPLATES_ENV = "BUDGETTABLES_TEMPLATES"    # folders of templates users saved (os.pathsep between them)
USER_RANK = 1000                            # users' templates rank after the bundled families


def load_families() -> list:
    """The template families' files (resources/families/*.json, see its README.md), then the templates users saved
    (the same format, in the folders of $BUDGETTABLES_TEMPLATES; a file that cannot be read is left out), by rank."""
    families = [json.loads(p.read_text(encoding="utf-8")) for p in resource_path("families").glob("*.json")]
    for folder in filter(None, os.environ.get(TEMPLATES_ENV, "").split(os.pathsep)):
        for path in sorted(Path(folder).glob("*.json")):
            template = read_template(path)
            if template is not None:
                families.append({"rank": USER_RANK, **template})
    return sorted(families, key=lambda f: f["rank"])


def read_template(path) -> Optional[dict]:
    """A user's template file, or None when it is not one (unreadable, not JSON, or naming unknown forms)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    columns = {f["id"]: {c["name"] for c in f["columns"]}
               for f in json.loads(resource_path("forms.json").read_text(encoding="utf-8"))["forms"]}
    if not isinstance(data, dict) or not isinstance(data.get("forms"), dict) or not set(data["forms"]) <= set(columns):
        return None
    forms = {}          # a user's template adds title keywords and header synonyms, nothing else
    for fid, add in data["forms"].items():
        titles = [str(x) for x in add.get("titles", []) if str(x).strip()]
        synonyms = {c: [str(s) for s in v] for c, v in add.get("synonyms", {}).items() if c in columns[fid]}
        forms[fid] = {"titles": titles, "synonyms": synonyms}
    return {"id": str(data.get("id") or Path(path).stem), "name": str(data.get("name") or Path(path).stem),
            "report": {"forms": [], "title_markers": []}, "forms": forms}


def _add_to_form(entry: dict, additions: dict):
    """A family's additions to a forms.json entry: more titles and column synonyms, and form-specific data
    (wide_labels, split_column, row_labels …) that the entry does not have itself."""
    for key, value in additions.items():
        if key == "titles":
            entry["titles"] = entry["titles"] + [x for x in value if x not in entry["titles"]]
        elif key == "synonyms":
            for name, synonyms in value.items():
                column = next((c for c in entry["columns"] if c["name"] == name), None)
                if column is None:
                    raise ValueError(f"form {entry['id']!r} has no column {name!r}")
                column["synonyms"] = column["synonyms"] + [s for s in synonyms if s not in column["synonyms"]]
        elif key in entry:
            raise ValueError(f"form {entry['id']!r}: {key!r} is set twice")
        else:
            entry[key] = value


# ---------------------------------------------------------------------------------------------- header mapping
_YEAR_PREFIX = re.compile(r"^\d{4}年(?:度)?")


def match_score(col: Column, fragments: list, qualified: bool) -> tuple:
    """How well a canonical column matches a source column's header fragments: (index after the lowest
    fragment used, label length); (0, 0) for no match. Labels lower in the header (nearer the data) win."""
    best = (0, 0)
    frags = [norm(f) for f in fragments if norm(f)]
    for j in range(len(frags), 0, -1):
        for i in range(0, j):
            label, above = "".join(frags[i:j]), "".join(frags[:i])
            for cand in {label, _YEAR_PREFIX.sub("", label)} - {""}:
                for parent, rx in col.synonyms:
                    if (parent is not None) != qualified:
                        continue
                    if rx.fullmatch(cand) and (parent is None or parent.search(above)):
                        best = max(best, (j, len(label)))
    return best
