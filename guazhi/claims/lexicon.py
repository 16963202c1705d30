"""Word lists of the claim engine: units, approximation words, and what is never a claim.

Kept apart from the scanner so that a reader can check (and a maintainer extend) the vocabulary
without reading the regular expressions.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Surface form -> canonical unit. Longest forms are tried first, so 台（次） wins over 台.
UNITS: dict[str, str] = {
    # counts of people, households, organisations, things
    **{
        u: u
        for u in _words(
            "个 家 户 人 名 位 人次 户次 家次 件次 台 台次 辆 辆次 车次 架次 艘 轮 次 场 场次 件 条 "
            "项 批 批次 所 座 处 栋 幢 间 套 张 份 篇 本 册 部 种 类 支 只 头 株 棵 口 眼 班 起 "
            "宗 笔 对 组 队 门 期 片 块 根 盏 床 例 节 课时 学时 首 幅 封 单 票 轮次 期次 个百分点 "
            "百分点 倍 岁 元 美元 欧元 港元 亩 公顷 平方米 平米 平方公里 平方千米 公里 千米 米 "
            "厘米 毫米 吨 千克 公斤 斤 克 千瓦 兆瓦 千瓦时 度 立方米 吨公里 方 公方 升 标箱 吨标准煤 "
            "分 % ‰"
        )
    },
    "台（次）": "台次",
    "台(次)": "台次",
    "人（次）": "人次",
    "人(次)": "人次",
    "辆（次）": "辆次",
    "辆(次)": "辆次",
    "户（次）": "户次",
    "家（次）": "家次",
    "㎡": "平方米",
    "元人民币": "元",
    "块钱": "元",
}

# Units that follow only Arabic figures: after a Chinese numeral they are ordinary words
# (十分重要, 一度, 三方).
ARABIC_ONLY_UNITS = frozenset({"分", "度", "方", "克", "米", "升"})

# Units of money and measure: with these, 一 is a figure (一倍, 一亿元), not an article (一个).
MEASURE_UNITS = frozenset(
    _words(
        "倍 元 美元 欧元 港元 亩 公顷 平方米 平方公里 平方千米 公里 千米 米 吨 千克 公斤 千瓦 兆瓦 "
        "千瓦时 立方米 % ‰ 个百分点 百分点"
    )
)

# Units that make the number a date, a time of day or a period of time: not a claim.
TIME_UNITS: tuple[str, ...] = _words(
    "个工作日 工作日 个自然日 个月 个多月 个小时 个星期 个季度 个年头 周年 年度 年代 年级 年底 年初 "
    "年末 年间 年来 月份 月底 月初 季度 世纪 小时 分钟 星期 年 月 日 天 周 旬 号 时 秒 点 届 代 "
    "级 版 楼 层 章 节课 条款 段"
)

# Approximation words before the number (longest first in the scanner).
APPROX_BEFORE: tuple[str, ...] = _words(
    "不少于 不低于 超过 超出 多达 高达 将近 接近 大约 约合 至少 不足 不到 逾 近 约 超"
)

# After the number (before or after the scale: 三百余万, 3万余) and after the unit (100人以上).
APPROX_MIDDLE: tuple[str, ...] = ("余", "多", "来")
APPROX_AFTER: tuple[str, ...] = _words("以上 左右 上下 有余 之多 以下 以内 开外 余 多")

# What an approximation word says about the true figure, relative to the stated one.
APPROX_KIND: dict[str, str] = {
    **dict.fromkeys(
        _words("余 多 来 以上 有余 之多 开外 超过 超出 多达 高达 逾 超 不少于 不低于 至少"), "over"
    ),
    **dict.fromkeys(_words("约 大约 约合 左右 上下"), "about"),
    **dict.fromkeys(_words("近 将近 接近 不足 不到 以下 以内"), "under"),
    "至": "range",
}

# Characters before 约/近/超 that make them part of another word (节约, 最近, 赶超).
NOT_APPROX_AFTER: dict[str, str] = {
    "约": "节制契签预公条邀履违践",
    "近": "最附靠临亲贴邻",
    "超": "赶高",
}

# Range markers between two figures: 3至5家, 3—5家, 5%～8%.
RANGE_MARKS: tuple[str, ...] = ("至", "到", "～", "~", "—", "－", "-", "–")

# Slogans and names built from numerals. Most are caught by rule (two digits in a row, no unit,
# quoted short phrases); these are the ones a rule would take for a count.
NAMES: tuple[str, ...] = _words(
    "三会一课 两学一做 两确保两争优 三严三实 一带一路 三个代表 四个全面 四个意识 四个自信 "
    "两个维护 两个确立 两个大局 两个一百年 两个务必 两个毫不动摇 五位一体 三大攻坚战 八项规定 "
    "六稳 六保 三去一降一补 一岗双责 一村一品 一户一策 一网通办 最多跑一次 三农 三资 四风 "
    "十四五 十三五 十二五 十一五 两不愁三保障 五个一 一把手 两新 两委 三重一大 四下基层 "
    "三个务必 四个不摘 五个振兴 千万工程 百千万工程 一老一小 一站式 三位一体 双一流"
)

# Nouns that make "三个方面", "四个全面" a figure of speech rather than a count.
RHETORICAL: frozenset[str] = frozenset(
    _words(
        "方面 层面 原则 要求 意识 自信 维护 确立 代表 全面 务必 坚持 必须 着力 基本点 大局 "
        "结合 转变 统筹 关系 问题上 环节上 特点 特征 体会 感悟 收获 启示 字 词"
    )
)

# Words that come before a number and make it part of a name or a code, not a quantity.
NOT_CLAIM_BEFORE: tuple[str, ...] = _words(
    "第 周 星期 礼拜 初 其 之 电话 热线 编号 号码 邮编 代码 序号 尾号 账号 文号 型号 版本 规格"
)
