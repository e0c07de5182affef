"""Generate 项目支出绩效目标表 (performance-target forms) as PDFs with known content, for tests and benchmarks.

Three layouts: "xiangyuan" (襄垣县部门（单位）项目支出绩效目标表: only the funding sources that have money are
printed), "county" (县(区)级预算部门（单位）项目支出绩效目标申报表: all five sources, zeros printed, the
负责人/经办人/联系电话/填报日期 footer) and "hebei" (N、XXX绩效目标表: 绩效目标 and a one-period grid with the
extra columns 绩效指标描述 / 指标值确定依据).

The quirks of real documents are options: vertically merged labels (绩\\n效\\n指\\n标, 产出\\n指标, a 二级指标
merged over several 三级 rows), two periods side by side, empty indicator rows, long text wrapped over many lines,
rows split over the page break (`split_rows`, as Word prints them), merged labels cut by the page break printed
centred on their whole span and clipped to each page (`clip_labels`, as Excel prints them; the text layer keeps
the clipped characters outside the table; else their lines flow from one page to the next, as in Word), forms
starting anywhere on a page (`several_per_page`), the same form printed twice (put it twice in the list), a form
whose title and first rows are repeated on each page it continues on (`repeat_rows`, Excel print titles).

    from tests import perfgen as pg
    forms = pg.make_forms(5, seed=1, layout="county")
    facts = pg.build_pdf(pg.PerfDoc(forms, layout="county"), "/tmp/perf.pdf")
    targets, indicators = pg.expected(forms, "county")    # {"columns": […], "rows": […]} as the engine exports
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas as _canvas

from pdfgen import DEFAULT_FONT, _Metrics, _register_font, draw_text, wrap_text

PERIODS = ("实施期", "年度")
SOURCES = ("中央财政资金", "省级财政资金", "市县财政资金", "单位自筹", "其他资金")
SOURCE_LABELS = {"中央财政资金": "其中：中央财政资金", "省级财政资金": "省级财政资金",
                 "市县财政资金": "市县（区）财政资金", "单位自筹": "单位自筹", "其他资金": "其他资金"}
TEXT_FIELDS = ("项目概况", "立项依据", "项目设立必要性", "保证项目实施的制度措施", "项目实施计划")
TEXT_LABELS = {"保证项目实施的制度措施": "保证项目实施的制度、措施"}
FOOTER = ("负责人", "经办人", "联系电话", "填报日期")
LEVEL2 = {"产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
          "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
          "满意度指标": ["服务对象满意度指标"]}
TITLES = {"xiangyuan": "{county}部门（单位）项目支出绩效目标表",
          "county": "{county}县(区)级预算部门（单位）项目支出绩效目标申报表",
          "hebei": "{n}、{name}绩效目标表"}
TARGET_COLUMNS = (["项目名称", "主管部门及代码", "实施单位", "项目属性", "项目期", "实施期资金总额", "年度资金总额"]
                  + [p + s for s in SOURCES for p in PERIODS] + list(TEXT_FIELDS)
                  + ["实施期总体目标", "年度总体目标"] + list(FOOTER))


# ============================================================================================ content
@dataclass
class Indicator:
    level1: str
    level2: str
    level3: str = ""               # "" with value "": an empty row (printed, not exported)
    value: str = ""                # "" with a level3: an indicator without a value (flagged)
    description: str = ""          # hebei: 绩效指标描述
    basis: str = ""                # hebei: 指标值确定依据


@dataclass
class PerfForm:
    name: str
    department: str = "001-测试县财政局"
    unit: str = "测试县财政局"
    attribute: str = "一次性项目（1年结束）"
    term: str = "1年"
    funding: dict = field(default_factory=dict)       # period -> {"资金总额": int, source: int | 0 | None}
    texts: dict = field(default_factory=dict)         # TEXT_FIELDS -> text
    goals: dict = field(default_factory=dict)         # period -> text
    indicators: dict = field(default_factory=dict)    # period -> [Indicator] (hebei: "年度" only)
    footer: dict = field(default_factory=dict)        # FOOTER -> text ("" printed empty)
    merge_level2: bool = False                        # 二级指标 printed once for consecutive rows of the same 二级


@dataclass
class PerfDoc:
    forms: list
    layout: str = "county"                  # xiangyuan | county | hebei
    county: str = "测试县"
    year: int = 2024
    several_per_page: bool = False          # a form starts right under the previous one when it fits
    split_rows: bool = False                # text rows split over the page break (Word); else rows move whole
    clip_labels: bool = True                # merged labels cut by the page break: centred on the whole span and
    #                                         clipped to each page (Excel); else their lines flow on (Word)
    repeat_rows: int = 0                    # Excel print titles: a form's title and first rows repeated on each
    #                                         page it continues on
    footer: str = "第 {n} 页"                 # page number line (None: none)
    font_path: str = DEFAULT_FONT
    font_size: float = 9.0
    margins: tuple = (48.0, 48.0, 50.0, 56.0)   # left, right, top, bottom


_PHRASES = ["根据县委县政府工作部署", "为保障单位正常运转", "按照预算管理有关规定", "严格执行财务管理制度",
            "提高财政资金使用效益", "确保项目按期完成", "加强项目全过程监督管理", "结合本单位实际情况",
            "资金专款专用不得挤占挪用", "由单位负责人审核签字后支付", "按季度拨付资金", "定期开展绩效自评",
            "推动各项工作有序开展", "切实提升公共服务水平", "经单位集体研究决定", "设立本项目",
            "参照历年支出标准测算", "2024年12月底前完成支付", "涉及人员155人", "每人每月补助3500元"]
_NAMES = ["办公用房租赁业务经费", "重点交通在建工程资金", "森林防火视频服务", "农村居民最低生活保障", "特岗教师工资",
          "城乡义务教育生均公用经费", "人防警报系统建设", "专家技术服务费", "储备粮库点维修改造", "综改项目尾欠资金",
          "农村饮水工程维修养护项目", "补充村级管理费", "经开区运转经费", "新建中医医院工程款", "群众文化活动经费"]
_DEPTS = ["001-测试县人民代表大会常务委员会办公室", "003-中共测试县委办公室", "019-测试县直属机关事务服务中心",
          "403-测试县交通运输局", "905-测试县财政局社保股"]
_LEVEL3 = {"数量指标": ("保障人数", "人"), "质量指标": ("验收合格率", "%"), "时效指标": ("资金拨付及时性", ""),
           "成本指标": ("项目总成本", "万元"), "经济效益指标": ("带动经济增长", ""),
           "社会效益指标": ("社会知晓度", "%"), "生态效益指标": ("环境改善情况", ""),
           "可持续影响指标": ("长效管理机制", ""), "服务对象满意度指标": ("服务对象满意度", "%")}


def _text(rnd: random.Random, n: int) -> str:
    return "，".join(rnd.choice(_PHRASES) for _ in range(n)) + "。"


def make_forms(n: int, seed: int = 1, layout: str = "county", long_text: int = 0) -> list:
    """n forms with random content; every third one has long text fields (`long_text` phrases, default ~14)."""
    rnd = random.Random(seed)
    forms = []
    for k in range(n):
        name = f"{_NAMES[k % len(_NAMES)]}{'' if k < len(_NAMES) else k}"
        years = rnd.choice([1, 1, 3])
        total = rnd.randrange(10, 2000) * 1000
        year_total = total if years == 1 else total // years
        funding = {}
        for period, amount in zip(PERIODS, (total, year_total)):
            central = rnd.choice([0, 0, amount // 3])
            funding[period] = {"资金总额": amount, "中央财政资金": central, "省级财政资金": 0,
                               "市县财政资金": amount - central, "单位自筹": 0, "其他资金": None}
        long = long_text or 14
        texts = {f: _text(rnd, long if (k % 3 == 0 and f in ("项目概况", "保证项目实施的制度措施")) else rnd.randint(1, 4))
                 for f in TEXT_FIELDS}
        goals = {p: _text(rnd, rnd.randint(1, 5)) for p in PERIODS}
        indicators = {}
        for period in PERIODS if layout != "hebei" else ("年度",):
            rows = []
            for l1, l2s in LEVEL2.items():
                for l2 in l2s:
                    if rnd.random() < 0.3 and l1 != "满意度指标":
                        rows.append(Indicator(l1, l2))                       # empty row
                        continue
                    l3, unit = _LEVEL3[l2]
                    value = f"≥{rnd.randint(1, 99)}{unit}" if unit else rnd.choice(["及时", "提高", "明显提升", "长期"])
                    rows.append(Indicator(l1, l2, l3, value, l3 + "情况", "计划标准"))
            if k % 4 == 1:          # a second 三级 under the same 二级 (printed merged when merge_level2)
                rows.append(Indicator("满意度指标", "服务对象满意度指标", "职工满意度", "≥90%", "职工满意度", "计划标准"))
            if k % 5 == 2:          # an indicator without a value
                rows[1] = Indicator(rows[1].level1, rows[1].level2, "工作完成质量", "", "工作完成质量", "计划标准")
            indicators[period] = rows
        footer = {"负责人": rnd.choice(["", "侯艳", "韩磊"]), "经办人": rnd.choice(["杨帆", "秦芳", "赵俊辉"]),
                  "联系电话": str(rnd.randrange(13000000000, 13999999999)), "填报日期": f"2023{rnd.randrange(1, 13):02d}15"}
        forms.append(PerfForm(name, _DEPTS[k % len(_DEPTS)], _DEPTS[k % len(_DEPTS)].split("-", 1)[1],
                              "一次性项目（1年结束）" if years == 1 else "延续性项目（阶段开展）", f"{years}年",
                              funding, texts, goals, indicators, footer if layout == "county" else {},
                              merge_level2=k % 4 == 1))
    return forms


def expected(forms: list, layout: str) -> tuple:
    """(performance_targets, performance_indicators) as the engine exports them: {"columns", "rows"}; a form
    listed twice is one row."""
    seen, rows, ind_rows = set(), [], []
    for f in forms:
        if id(f) in seen:
            continue
        seen.add(id(f))
        values = {"项目名称": f.name}
        if layout == "hebei":
            values["年度总体目标"] = f.goals["年度"]
        else:
            values.update({"主管部门及代码": f.department, "实施单位": f.unit, "项目属性": f.attribute,
                           "项目期": f.term, **f.texts})
            for p in PERIODS:
                values[p + "资金总额"] = f.funding[p]["资金总额"]
                values[p + "总体目标"] = f.goals[p]
                for s in SOURCES:
                    if layout == "county" or any(f.funding[q][s] for q in PERIODS):     # the row is printed
                        values[p + s] = f.funding[p][s]
            values.update({k: v or None for k, v in f.footer.items()})
        rows.append(values)
        for p, inds in f.indicators.items():
            for i in inds:
                if i.level3 or i.value:
                    ind_rows.append({"项目名称": f.name, "期间": None if layout == "hebei" else p, "一级指标": i.level1,
                                     "二级指标": i.level2, "三级指标": i.level3 or None, "指标值": i.value or None})
    tcols = [c for c in TARGET_COLUMNS if any(c in r for r in rows)]
    icols = ["项目名称"] + ([] if layout == "hebei" else ["期间"]) + ["一级指标", "二级指标", "三级指标", "指标值"]
    return ({"columns": tcols, "rows": [[r.get(c) for c in tcols] for r in rows]},
            {"columns": icols, "rows": [[r[c] for c in icols] for r in ind_rows]})


# ============================================================================================ form layout
@dataclass
class _Cell:
    c0: int
    c1: int                        # columns c0 … c1-1
    text: str
    align: str = "l"               # l | c | r


@dataclass
class _Row:
    cells: list
    splittable: bool = False


@dataclass
class _Span:
    """A label merged over rows r0 … r1-1."""
    c0: int
    c1: int
    r0: int
    r1: int
    text: str


_WEIGHTS = {"grid2": [0.055, 0.10, 0.115, 0.18, 0.115, 0.115, 0.18, 0.14],
            "hebei": [0.12, 0.15, 0.17, 0.2, 0.14, 0.22]}


def _fmt(v) -> str:
    return "" if v is None else f"{v:,}"


def form_rows(f: PerfForm, layout: str) -> tuple:
    """(rows, spans, column weights) of one form."""
    rows, spans = [], []
    if layout == "hebei":
        rows.append(_Row([_Cell(0, 1, "绩效目标", "c"), _Cell(1, 6, f.goals["年度"])], True))
        rows.append(_Row([_Cell(k, k + 1, t, "c") for k, t in enumerate(
            ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"])]))
        _grid_body(rows, spans, [[i] for i in f.indicators["年度"]], f.merge_level2, hebei=True)
        return rows, spans, _WEIGHTS["hebei"]
    rows.append(_Row([_Cell(0, 2, "项目名称", "c"), _Cell(2, 8, f.name)]))
    rows.append(_Row([_Cell(0, 2, "主管部门及代码", "c"), _Cell(2, 5, f.department), _Cell(5, 6, "实施单位", "c"),
                      _Cell(6, 8, f.unit)]))
    rows.append(_Row([_Cell(0, 2, "项目属性", "c"), _Cell(2, 5, f.attribute), _Cell(5, 6, "项目期", "c"),
                      _Cell(6, 8, f.term)]))
    start = len(rows)
    rows.append(_Row([_Cell(1, 3, "实施期资金总额："), _Cell(3, 5, _fmt(f.funding["实施期"]["资金总额"]), "r"),
                      _Cell(5, 7, "年度资金总额："), _Cell(7, 8, _fmt(f.funding["年度"]["资金总额"]), "r")]))
    for s in SOURCES:
        a, b = f.funding["实施期"][s], f.funding["年度"][s]
        if layout == "xiangyuan" and not a and not b:
            continue
        label = SOURCE_LABELS[s] if layout == "county" else SOURCE_LABELS[s].replace("其中：", "")
        rows.append(_Row([_Cell(1, 3, label), _Cell(3, 5, _fmt(a), "r"),
                          _Cell(5, 7, label), _Cell(7, 8, _fmt(b), "r")]))
    spans.append(_Span(0, 1, start, len(rows), "项目资金（元）"))
    for name in TEXT_FIELDS:
        rows.append(_Row([_Cell(0, 2, TEXT_LABELS.get(name, name), "c"), _Cell(2, 8, f.texts[name])], True))
    start = len(rows)
    rows.append(_Row([_Cell(1, 5, "实施期目标", "c"), _Cell(5, 8, "年度目标", "c")]))
    rows.append(_Row([_Cell(1, 5, f.goals["实施期"]), _Cell(5, 8, f.goals["年度"])], True))
    spans.append(_Span(0, 1, start, len(rows), "总体目标"))
    start = len(rows)
    rows.append(_Row([_Cell(k + 1, k + 2, t, "c") for k, t in enumerate(
        ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"])]))
    _grid_body(rows, spans, list(zip(f.indicators["实施期"], f.indicators["年度"])), f.merge_level2, hebei=False)
    spans.append(_Span(0, 1, start, len(rows), "绩效指标"))
    return rows, spans, _WEIGHTS["grid2"]


def _grid_body(rows: list, spans: list, pairs: list, merge_level2: bool, hebei: bool):
    """Indicator rows; 一级 labels merged over their group (and 二级 over repeated 二级 when merge_level2)."""
    l1_col, l2_cols = (0, [1]) if hebei else (1, [2, 5])
    start = len(rows)
    for k, group in enumerate(pairs):
        cells = []
        prev = pairs[k - 1] if k else None
        same_l2 = merge_level2 and prev is not None and prev[0].level2 == group[0].level2
        for half, i in enumerate(group):
            if hebei:
                texts = [i.level3, i.description, i.value, i.basis]
                cells += [_Cell(2 + j, 3 + j, t) for j, t in enumerate(texts)]
                cells[-2].align = "c"
            else:
                base = 3 if half == 0 else 6
                cells += [_Cell(base, base + 1, i.level3), _Cell(base + 1, base + 2, i.value)]
            if not same_l2:
                cells.append(_Cell(l2_cols[half], l2_cols[half] + 1, i.level2, "c"))
        rows.append(_Row(cells))
        if same_l2:            # widen the previous row's 二级 cells into spans over both rows
            prev_row = rows[-2]
            for c in [c for c in prev_row.cells if c.c0 in l2_cols]:
                prev_row.cells.remove(c)
                spans.append(_Span(c.c0, c.c1, len(rows) - 2, len(rows), c.text))
    k = 0
    while k < len(pairs):
        j = k
        while j < len(pairs) and pairs[j][0].level1 == pairs[k][0].level1:
            j += 1
        spans.append(_Span(l1_col, l1_col + 1, start + k, start + j, pairs[k][0].level1))
        k = j


# ============================================================================================ drawing
class _Writer:
    """Places forms on pages first (page numbers are virtual), then draws every page in order."""

    def __init__(self, doc: PerfDoc, out):
        self.doc = doc
        self.font = _register_font(doc.font_path)
        self.m = _Metrics(self.font)
        self.c = _canvas.Canvas(out, pagesize=A4, pageCompression=1)
        self.w, self.h = A4
        self.page = 0
        self.y = 0.0
        self.items: dict = {}          # page -> [draw function]
        self.facts = []

    def new_page(self):
        self.page += 1
        self.items[self.page] = []
        self.y = self.h - self.doc.margins[2]

    def later(self, fn, page=None):
        self.items[page or self.page].append(fn)

    @property
    def bottom(self) -> float:
        return self.doc.margins[3]

    def _text(self, x, y, text, size, bold=False):
        draw_text(self.c, self.font, x, y, text, size, bold)

    def _lines(self, lines, x0, x1, ytop, ybot, align, size, leading, valign="c"):
        pad = 2.5
        block = len(lines) * leading
        for k, ln in enumerate(lines):
            if valign == "c":
                base = (ytop + ybot) / 2 + block / 2 - leading * (k + 0.5) - 0.36 * size
            else:
                base = ytop - pad - leading * (k + 1) + 0.24 * size
            w = self.m.width(ln, size)
            x = x1 - pad - w if align == "r" else (x0 + x1 - w) / 2 if align == "c" else x0 + pad
            self._text(x, base, ln, size)

    def emit(self, index: int, f: PerfForm):
        d = self.doc
        size, leading, pad = d.font_size, d.font_size * 1.3, 2.5
        width = self.w - d.margins[0] - d.margins[1]
        rows, spans, weights = form_rows(f, d.layout)
        xs = [d.margins[0]]
        for wt in weights:
            xs.append(xs[-1] + width * wt / sum(weights))
        wrapped = [[wrap_text(c.text, xs[c.c1] - xs[c.c0] - 2 * pad, self.m, size) if c.text else [] for c in r.cells]
                   for r in rows]
        heights = [max([size * 2.2] + [len(ls) * leading + 2 * pad for ls in w]) for w in wrapped]
        for s in spans:     # a vertical label needs room for its characters
            need = len(self._span_lines(s, xs, size)) * leading + 2 * pad
            have = sum(heights[s.r0:s.r1])
            if need > have:
                heights[s.r1 - 1] += need - have
        title = TITLES[d.layout].format(county=d.county, n=index + 1, name=f.name)
        head = 28.0 + (18.0 if d.layout != "hebei" else 0.0)
        if not self.page or not d.several_per_page or self.y - head - sum(heights[:3]) - 20 < self.bottom:
            self.new_page()
        else:
            self.y -= 18
        fact = {"name": f.name, "title_page": self.page, "pages": [self.page], "split_rows": [], "cut_spans": []}
        placed = [[] for _ in rows]        # per row: [(page, ytop, ybot, {cell: (first line, end line)})]
        whole = lambda r: {k: (0, len(ls)) for k, ls in enumerate(wrapped[r])}     # noqa: E731

        def head():
            self.y -= 22
            self.later(lambda y=self.y: self._text((self.w - self.m.width(title, 15)) / 2, y, title, 15, True))
            self.y -= 6
            if d.layout != "hebei":
                year = f"（{d.year}年度）"
                self.y -= 14
                self.later(lambda y=self.y: self._text((self.w - self.m.width(year, 10)) / 2, y, year, 10))
                self.y -= 4

        def page_break():
            """A new page; Excel's print titles repeat the title and the first rows on it."""
            self.new_page()
            fact["pages"].append(self.page)
            if d.repeat_rows:
                head()
                for r in range(d.repeat_rows):
                    placed[r].append((self.page, self.y, self.y - heights[r], whole(r)))
                    self.y -= heights[r]
            return self.y

        head()
        y = self.y
        for r, (row, h) in enumerate(zip(rows, heights)):
            if y - h < self.bottom:
                nfit = int((y - self.bottom - 2 * pad) // leading)
                most = max((len(ls) for ls in wrapped[r]), default=0)
                if d.split_rows and row.splittable and 1 <= nfit < most:
                    placed[r].append((self.page, y, y - (nfit * leading + 2 * pad),
                                      {k: (0, min(nfit, len(ls))) for k, ls in enumerate(wrapped[r])}))
                    fact["split_rows"].append(row.cells[0].text)
                    y = page_break()
                    rest = max(size * 2.2, (most - nfit) * leading + 2 * pad)
                    placed[r].append((self.page, y, y - rest,
                                      {k: (min(nfit, len(ls)), len(ls)) for k, ls in enumerate(wrapped[r])}))
                    y -= rest
                    continue
                y = page_break()
            placed[r].append((self.page, y, y - h, whole(r)))
            y -= h
        self.y = y
        fact["cut_spans"] = [s.text for s in spans if len({p[0] for r in range(s.r0, s.r1) for p in placed[r]}) > 1]
        self._place_drawing(rows, spans, wrapped, placed, xs, size, leading)
        if f.footer:
            text = "    ".join(f"{k}：{f.footer[k]}" for k in FOOTER)
            if self.y - 16 < self.bottom:
                self.new_page()
                fact["pages"].append(self.page)
            self.y -= 13
            self.later(lambda y=self.y: self._text(xs[0], y, text, size))
        self.facts.append(fact)

    def _span_lines(self, s: _Span, xs, size) -> list:
        return wrap_text(s.text, xs[s.c1] - xs[s.c0] - 5, self.m, size)

    def _place_drawing(self, rows, spans, wrapped, placed, xs, size, leading):
        for r, row in enumerate(rows):
            for page, ytop, ybot, ranges in placed[r]:
                for k, cell in enumerate(row.cells):
                    lo, hi = ranges[k]
                    self.later(self._cell_fn(xs[cell.c0], xs[cell.c1], ytop, ybot, wrapped[r][k][lo:hi], cell.align,
                                             size, leading, row.splittable), page)
        for s in spans:
            by_page = {}
            for r in range(s.r0, s.r1):
                for page, ytop, ybot, _ in placed[r]:
                    t, b = by_page.get(page, (ytop, ybot))
                    by_page[page] = (max(t, ytop), min(b, ybot))
            lines = self._span_lines(s, xs, size)
            pages = sorted(by_page)
            total = sum(t - b for t, b in by_page.values())
            offset, done = 0.0, 0
            for k, page in enumerate(pages):
                t, b = by_page[page]
                if len(pages) > 1 and not self.doc.clip_labels:     # Word: the text flows on into the next part
                    n = max(0, int((t - b - 5) // leading))            # (lines with no room left are not printed)
                    part, done = lines[done:done + n], done + n
                else:
                    part = lines
                self.later(self._span_fn(xs[s.c0], xs[s.c1], t, b, k == 0, k == len(pages) - 1, part, offset, total,
                                         size, leading, len(pages) > 1), page)
                offset += t - b

    def _cell_fn(self, x0, x1, ytop, ybot, lines, align, size, leading, top_aligned):
        def draw():
            self.c.setLineWidth(0.6)
            self.c.rect(x0, ybot, x1 - x0, ytop - ybot)
            self._lines(lines, x0, x1, ytop, ybot, align, size, leading, "t" if top_aligned else "c")
        return draw

    def _span_fn(self, x0, x1, t, b, first, last, lines, offset, total, size, leading, cut):
        """One page's part of a merged label. With clip_labels (Excel) a label cut by the page break is centred on
        its whole span and clipped to each part; otherwise (Word) its lines flow from the top of the first part
        into the next. The edges along a page break are not ruled."""
        clip = self.doc.clip_labels

        def draw():
            c = self.c
            c.setLineWidth(0.6)
            c.line(x0, t, x0, b)
            c.line(x1, t, x1, b)
            if first:
                c.line(x0, t, x1, t)
            if last:
                c.line(x0, b, x1, b)
            if clip and cut:
                centre = t + offset - total / 2          # the whole span's centre, in this page's coordinates
                c.saveState()
                path = c.beginPath()
                path.rect(x0, b, x1 - x0, t - b)
                c.clipPath(path, stroke=0, fill=0)
                self._lines(lines, x0, x1, centre + total, centre - total, "c", size, leading)
                c.restoreState()
            elif cut:
                self._lines(lines, x0, x1, t, b, "c", size, leading, "t")
            else:
                self._lines(lines, x0, x1, t, b, "c", size, leading)
        return draw

    def run(self) -> dict:
        for k, f in enumerate(self.doc.forms):
            self.emit(k, f)
        for page in range(1, self.page + 1):
            for fn in self.items[page]:
                fn()
            if self.doc.footer:
                text = self.doc.footer.format(n=page)
                self._text((self.w - self.m.width(text, 9)) / 2, self.doc.margins[3] - 22, text, 9)
            self.c.showPage()
        self.c.save()
        return {"pages": self.page, "forms": self.facts}


def build_pdf(doc: PerfDoc, path) -> dict:
    """Write the forms to `path`; returns {"pages": n, "forms": [{"name", "title_page", "pages", "split_rows": [label
    of each row split over a page break], "cut_spans": [merged labels cut by a page break]}]}."""
    return _Writer(doc, str(path)).run()
