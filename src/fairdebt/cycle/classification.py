"""Five-tier classification (五级分类) of every loan-day, and when a restructured loan re-ages.

The tiers and their order follow the 2023 《商业银行金融资产风险分类办法》
(原银保监会、中国人民银行令〔2023〕第1号, in force 1 July 2023): 正常 normal, 关注 special
mention, 次级 substandard, 可疑 doubtful, 损失 loss; the last three are non-performing (不良).
A :class:`ClassificationPack` holds every limit as a parameter with the article it comes from
(docs/decisions/classification.md has the readings and their grades). On a business date a
loan's class is the worst of:

* its **days past due**: at least special mention from ``special_mention_dpd``, substandard from
  ``substandard_dpd`` (逾期超过90天), doubtful from ``doubtful_dpd``, loss from ``loss_dpd``;
* **charge-off**: a charged-off loan is ``charged_off_class`` (loss by default);
* a **restructure under observation** (Art. 20–21): at least ``restructured_floor`` (special
  mention), and never better than the class the loan had when the plan started if that class
  was non-performing. Observation starts at the plan's first due and lasts
  ``observation_days``; a due of the plan not paid in full by its due date starts it again
  from that due.

A restructured loan also keeps the delinquency it had when the plan started (its carried days
past due) until it **re-ages**: on the due date of the ``reage_after_dues``-th consecutive due
of the plan paid in full by its due date. That is house policy in the manner of the FFIEC's
re-ageing rule (three consecutive payments), not a line of the 办法; a pack may change it.
The cycle computes all of this as column expressions (:mod:`fairdebt.cycle.delinquency`);
:meth:`ClassificationPack.class_of` is the same rule for one loan, for tests and readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from fairdebt.errors import ConfigurationError

__all__ = ["CN_2023", "NON_PERFORMING", "RISK_CLASSES", "RISK_CLASS_ZH", "ClassificationPack"]

RISK_CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
RISK_CLASS_ZH = MappingProxyType(
    {
        "normal": "正常",
        "special_mention": "关注",
        "substandard": "次级",
        "doubtful": "可疑",
        "loss": "损失",
    }
)
NON_PERFORMING = ("substandard", "doubtful", "loss")

_MEASURES = "《商业银行金融资产风险分类办法》(原银保监会、中国人民银行令〔2023〕第1号)"


@dataclass(frozen=True, slots=True)
class ClassificationPack:
    """A jurisdiction's classification limits, each with its citation (``citations``).

    Examples
    --------
    >>> pack = CN_2023
    >>> pack.class_of(0), pack.class_of(1), pack.class_of(91), pack.class_of(271)
    ('normal', 'special_mention', 'substandard', 'doubtful')
    >>> pack.class_of(0, restructured_since=45), pack.class_of(0, restructured_since=100)
    ('special_mention', 'substandard')
    >>> pack.class_of(3, charged_off=True)
    'loss'
    >>> ClassificationPack("bad", substandard_dpd=30, special_mention_dpd=60)
    Traceback (most recent call last):
    ...
    fairdebt.errors.ConfigurationError: classification pack 'bad': the dpd thresholds must rise \
from special mention to loss (got 60, 30, 271, 361)
    """

    id: str
    special_mention_dpd: int = 1
    substandard_dpd: int = 91
    doubtful_dpd: int = 271
    loss_dpd: int = 361
    observation_days: int = 365
    reage_after_dues: int = 3
    restructured_floor: str = "special_mention"
    charged_off_class: str = "loss"
    citations: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"classification pack {self.id!r}"
        steps = (self.special_mention_dpd, self.substandard_dpd, self.doubtful_dpd, self.loss_dpd)
        if not 1 <= steps[0] < steps[1] < steps[2] < steps[3]:
            raise ConfigurationError(
                f"{where}: the dpd thresholds must rise from special mention to loss "
                f"(got {', '.join(map(str, steps))})"
            )
        if self.observation_days < 1 or self.reage_after_dues < 1:
            raise ConfigurationError(
                f"{where}: observation_days and reage_after_dues must be at least 1 "
                f"(got {self.observation_days}, {self.reage_after_dues})"
            )
        for name in ("restructured_floor", "charged_off_class"):
            if getattr(self, name) not in RISK_CLASSES:
                raise ConfigurationError(
                    f"{where}: {name} must be one of {', '.join(RISK_CLASSES)} "
                    f"(got {getattr(self, name)!r})"
                )

    @property
    def dpd_steps(self) -> tuple[int, int, int, int]:
        """The first dpd of special mention, substandard, doubtful and loss."""
        return (self.special_mention_dpd, self.substandard_dpd, self.doubtful_dpd, self.loss_dpd)

    def rank_of_dpd(self, dpd: int) -> int:
        """0 (normal) to 4 (loss) by days past due alone."""
        return sum(1 for step in self.dpd_steps if dpd >= step)

    def class_of(
        self, dpd: int, *, charged_off: bool = False, restructured_since: int | None = None
    ) -> str:
        """One loan's class: ``restructured_since`` is its dpd when a plan under observation
        started (None: no plan under observation)."""
        if charged_off:
            return self.charged_off_class
        rank = self.rank_of_dpd(dpd)
        if restructured_since is not None:
            floor = RISK_CLASSES.index(self.restructured_floor)
            before = self.rank_of_dpd(restructured_since)
            rank = max(rank, floor, before if before >= RISK_CLASSES.index("substandard") else 0)
        return RISK_CLASSES[rank]


CN_2023 = ClassificationPack(
    "cn",
    citations=MappingProxyType(
        {
            "classes": f"{_MEASURES} 第六条 (五类及其定义)",
            "special_mention_dpd": f"{_MEASURES} 第九条(一): 本金、利息或收益逾期 至少归为关注类",
            "substandard_dpd": f"{_MEASURES} 第十条(一): 逾期超过90天 至少归为次级类",
            "doubtful_dpd": f"{_MEASURES} 第十一条(一): 逾期超过270天 至少归为可疑类",
            "loss_dpd": f"{_MEASURES} 第十二条(一): 逾期超过360天 归为损失类",
            "observation_days": (
                f"{_MEASURES} 第二十条: 观察期自合同调整后约定的第一次还款日开始计算, "
                "应至少包含连续两个还款期, 并不得低于1年; 未及时足额还款的从未履约时点重新计算"
            ),
            "restructured_floor": (
                f"{_MEASURES} 第二十一条: 重组前为正常类或关注类的, 重组后至少归为关注类; "
                "重组前为不良的, 观察期内不得上调"
            ),
            "reage_after_dues": "house policy (FFIEC re-ageing: three consecutive payments)",
            "charged_off_class": f"{_MEASURES} 第六条(五): 损失类 (charge-off is that judgment)",
        }
    ),
)
