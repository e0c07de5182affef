"""The budget behind the synthetic disclosures (a part of tests/pdfgen.py, which re-exports it; import that).

A random but internally consistent Budget of 项-level BudgetItems (amounts in cents), the subject and project
names it draws from, and how amounts print (_fmt) and standardize (_val).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field


# ============================================================================================ budget data
# The 30 enumerated expenditure lines of the two-sided summaries: (类 code, name).
FUNCTION_CLASSES = [
    ("201", "一般公共服务支出"), ("202", "外交支出"), ("203", "国防支出"), ("204", "公共安全支出"),
    ("205", "教育支出"), ("206", "科学技术支出"), ("207", "文化旅游体育与传媒支出"), ("208", "社会保障和就业支出"),
    ("209", "社会保险基金支出"), ("210", "卫生健康支出"), ("211", "节能环保支出"), ("212", "城乡社区支出"),
    ("213", "农林水支出"), ("214", "交通运输支出"), ("215", "资源勘探工业信息等支出"), ("216", "商业服务业等支出"),
    ("217", "金融支出"), ("219", "援助其他地区支出"), ("220", "自然资源海洋气象等支出"), ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"), ("223", "国有资本经营预算支出"), ("224", "灾害防治及应急管理支出"), ("227", "预备费"),
    ("229", "其他支出"), ("230", "转移性支出"), ("231", "债务还本支出"), ("232", "债务付息支出"),
    ("233", "债务发行费用支出"), ("234", "抗疫特别国债安排的支出"),
]
_CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六",
           "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六", "二十七", "二十八",
           "二十九", "三十", "三十一"]
_CLASS_NAME = dict(FUNCTION_CLASSES)

# 类 → [(款 code, 款 name, [(项 code, 项 name, kind)])]; kind: "b" basic only, "p" project only, "m" both.
_SUBJECTS = {
    "201": [("20103", "政府办公厅（室）及相关机构事务",
             [("2010301", "行政运行", "b"), ("2010302", "一般行政管理事务", "p"), ("2010350", "事业运行", "b"),
              ("2010399", "其他政府办公厅（室）及相关机构事务支出", "p")]),
            ("20106", "财政事务",
             [("2010601", "行政运行", "b"), ("2010602", "一般行政管理事务", "p"), ("2010699", "其他财政事务支出", "p")])],
    "208": [("20805", "行政事业单位养老支出",
             [("2080501", "行政单位离退休", "b"), ("2080505", "机关事业单位基本养老保险缴费支出", "b"),
              ("2080506", "机关事业单位职业年金缴费支出", "b")]),
            ("20808", "抚恤", [("2080801", "死亡抚恤", "b")])],
    "210": [("21011", "行政事业单位医疗",
             [("2101101", "行政单位医疗", "b"), ("2101102", "事业单位医疗", "b"), ("2101103", "公务员医疗补助", "b")])],
    "213": [("21307", "农村综合改革",
             [("2130705", "对村民委员会和村党支部的补助", "p"), ("2130799", "其他农村综合改革支出", "p")])],
    "221": [("22102", "住房改革支出", [("2210201", "住房公积金", "b")])],
}

_PROJECT_NAMES = [
    "办公楼维修改造经费", "信息化系统运行维护费", "政务公开及信息发布专项经费", "财政预算绩效评价第三方服务费",
    "农村综合改革试点试验项目", "村级组织运转经费补助", "档案数字化加工服务费", "干部教育培训经费",
    "债务风险化解工作经费", "国有资产清查专项经费", "政府采购电子化平台建设经费",
    "县级财政支出绩效管理及预算编审一体化系统升级改造经费", "乡村振兴衔接补助资金", "安全生产监督检查经费",
    "会计人员继续教育及职称考试组织经费", "非税收入票据管理经费", "专项债券项目前期评审费",
]


@dataclass
class BudgetItem:
    """One 项-level subject line; amounts in cents (fen × 100 of 万元, i.e. hundredths of the printed unit)."""
    code: str
    name: str
    basic: int = 0          # 基本支出 (current year)
    project: int = 0        # 项目支出 (current year)
    carry: int = 0          # 上年结转 (spent as 项目支出)
    unit_funds: int = 0     # part of the current-year money that is 单位资金 (the rest is 一般公共预算)

    @property
    def current(self) -> int:
        return self.basic + self.project

    @property
    def general(self) -> int:
        return self.current - self.unit_funds

    @property
    def total(self) -> int:
        return self.current + self.carry


@dataclass
class Budget:
    unit: str = "测试县财政局"
    county: str = "测试县"
    year: int = 2024
    unit_code: str = "824"
    items: list = field(default_factory=list)          # BudgetItem, 项 order
    three_public: dict = field(default_factory=dict)   # abroad, reception, car_purchase, car_running (cents)
    operating: list = field(default_factory=list)      # [(unit name, cents)]

    def tree(self):
        """[(level, code, name, agg)] in print order: 类, its 款, their 项; agg = summed BudgetItem."""
        out = []
        by_class = {}
        for it in self.items:
            by_class.setdefault(it.code[:3], []).append(it)
        for cls in sorted(by_class):
            items = by_class[cls]
            out.append((1, cls, _CLASS_NAME.get(cls, cls), _sum_items(items)))
            kuan = {}
            for it in items:
                kuan.setdefault(it.code[:5], []).append(it)
            for k in sorted(kuan):
                out.append((2, k, _KUAN_NAME.get(k, k), _sum_items(kuan[k])))
                for it in kuan[k]:
                    out.append((3, it.code, it.name, it))
        return out

    def totals(self) -> BudgetItem:
        return _sum_items(self.items)

    def class_totals(self) -> dict:
        out = {}
        for it in self.items:
            out.setdefault(it.code[:3], []).append(it)
        return {k: _sum_items(v) for k, v in out.items()}


_KUAN_NAME = {k: n for subs in _SUBJECTS.values() for (k, n, _) in subs}


def _sum_items(items) -> BudgetItem:
    return BudgetItem("", "", sum(i.basic for i in items), sum(i.project for i in items),
                      sum(i.carry for i in items), sum(i.unit_funds for i in items))


def make_budget(seed: int = 1, unit: str = "测试县财政局", county: str = "测试县", year: int = 2024, *,
                carryover: bool = False, unit_funds: bool = True, classes=None, unit_code: str = "824") -> Budget:
    """A random but internally consistent budget (all sums exact, amounts in cents)."""
    rnd = random.Random(seed)
    items = []
    for cls in (classes or sorted(_SUBJECTS)):
        for (_, _, subjects) in _SUBJECTS[cls]:
            for code, name, kind in subjects:
                it = BudgetItem(code, name)
                if kind in "bm":
                    it.basic = rnd.randint(300, 60000)
                if kind in "pm":
                    it.project = rnd.randint(100, 30000)
                items.append(it)
    if unit_funds:
        proj = [i for i in items if i.project > 0]
        it = proj[rnd.randrange(len(proj))]
        it.unit_funds = rnd.randint(1, it.project)
    if carryover:
        proj = [i for i in items if i.project > 0]
        for it in rnd.sample(proj, min(2, len(proj))):
            it.carry = rnd.randint(100, 20000)
    tp = {"abroad": 0, "reception": rnd.randint(50, 300), "car_purchase": 0,
          "car_running": rnd.randint(200, 1500)}
    ops = [(unit, rnd.randint(2000, 12000))]
    sub = unit[:-1] + "事务服务中心" if unit.endswith("局") else unit + "服务中心"
    ops.append((sub, rnd.randint(1000, 6000)))
    return Budget(unit, county, year, unit_code, items, tp, ops)


def _partition(rnd: random.Random, total: int, n: int) -> list:
    """`n` positive integers summing to `total` (total >= n)."""
    if n <= 1:
        return [total]
    cuts = sorted(rnd.sample(range(1, total), n - 1))
    return [b - a for a, b in zip([0] + cuts, cuts + [total])]


def _fmt(cents: int, zero: str = "blank", thousands: bool = False, trim: bool = False):
    """Printed form of an amount: zero = "blank" | "0" | "0.00" | "-"."""
    if not cents:
        return {"blank": None, "0": "0", "0.00": "0.00", "-": "-"}[zero]
    s = f"{cents / 100:,.2f}" if thousands else f"{cents / 100:.2f}"
    if trim:
        s = s.rstrip("0").rstrip(".")
    return s


def _val(cents: int, zero: str = "blank"):
    """Standardized value of an amount printed with _fmt (blank and "-" → None)."""
    if not cents:
        return 0.0 if zero in ("0", "0.00") else None
    return round(cents / 100, 2)


def _split_code(code: str) -> str:
    return code if len(code) == 3 else code[-2:]
