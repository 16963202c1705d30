"""The demo programme: a fictional city, 青川市, sending about 120 cadres in three cohorts.

Everything here is plain data plus `build_plan()`, which turns it into a deterministic plan
(a seeded random generator, so every run produces the same people with the same ID numbers).
The `seed_demo` command writes the plan to the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from guazhi.lib.identity import id_check_char


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SEED = 20260301
PASSWORD = "Guazhi@2026"  # ≥ 8 characters, 4 classes, contains no demo username or name

PROVINCE = "湖北省"
CITY = "青川市"
# Region codes (the first six digits of an ID number): the province is 42; 青川市 is fictional,
# so it gets an unused city code, and some cadres were born elsewhere in the province.
CITY_REGION_CODE = "4220"
BIRTH_REGION_CODES = (
    "422002",  # 安平区
    "422003",  # 临江区
    "422004",  # 云台区
    "422021",
    "422022",
    "420102",  # 武汉市江岸区
    "420106",  # 武汉市武昌区
    "420111",  # 武汉市洪山区
    "420502",  # 宜昌市西陵区
    "420602",  # 襄阳市襄城区
    "420902",  # 孝感市孝南区
    "420981",  # 应城市
    "421002",  # 荆州市沙市区
    "421102",  # 黄冈市黄州区
)

# District → towns (镇) and sub-districts (街道) → villages (村) or communities (社区).
DISTRICTS: dict[str, dict[str, tuple[str, ...]]] = {
    "安平区": {
        "东关街道": ("东关社区", "文昌社区", "府前社区"),
        "西城街道": ("西城社区", "锦绣社区"),
        "柳溪镇": ("石桥村", "柳湾村", "杏花村", "双河村"),
        "石门镇": ("石门村", "青龙村", "上坪村"),
    },
    "临江区": {
        "滨江街道": ("滨江社区", "望江社区", "新港社区"),
        "港口街道": ("港口社区", "码头社区"),
        "白沙镇": ("白沙村", "沙洲村", "渔湾村"),
        "龙泉镇": ("龙泉村", "泉水村", "观音村", "新田村"),
    },
    "云台区": {
        "云台街道": ("云台社区", "凤鸣社区"),
        "青峰镇": ("青峰村", "茶园村", "竹林村"),
        "桃源镇": ("桃源村", "桃花村", "梨树村", "松岭村"),
        "河口镇": ("河口村", "盐井村", "新堤村"),
    },
}

# Home departments with sections their cadres come from and the duties they are good at.
DEPARTMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "市发展和改革委员会": (("投资科", "产业发展科", "重点项目办"), ("重点项目推进", "营商环境")),
    "市财政局": (("预算科", "国库科", "经济建设科"), ("村集体经济发展", "营商环境")),
    "市自然资源和规划局": (
        ("国土空间规划科", "耕地保护科", "不动产登记中心"),
        ("征地拆迁", "重点项目推进"),
    ),
    "市商务局": (("外资科", "对外贸易科", "市场体系建设科"), ("招商引资", "企业服务")),
    "市工业和信息化局": (("产业发展科", "中小企业科", "数字经济科"), ("企业服务", "安全生产")),
    "市住房和城乡建设局": (
        ("城市更新科", "房地产市场监管科", "建筑业管理科"),
        ("城市更新", "人居环境整治"),
    ),
    "市交通运输局": (("综合规划科", "公路管理科", "运输服务科"), ("重点项目推进", "防汛抗旱")),
    "市农业农村局": (("乡村产业科", "农田建设科", "种植业管理科"), ("乡村振兴", "特色产业发展")),
    "市人力资源和社会保障局": (
        ("养老保险科", "就业促进科", "劳动关系科"),
        ("养老保险", "就业服务"),
    ),
    "市生态环境局": (("环评科", "大气环境科", "水生态环境科"), ("生态环境保护", "人居环境整治")),
    "市卫生健康委员会": (
        ("疾病预防控制科", "基层卫生健康科", "老龄健康科"),
        ("疫情防控卡点", "基层医疗"),
    ),
    "市教育局": (("基础教育科", "职业教育科", "学生资助管理中心"), ("教育帮扶", "基层治理")),
    "市文化和旅游局": (("产业发展科", "文物保护科", "公共服务科"), ("文旅融合", "特色产业发展")),
    "市市场监督管理局": (("登记注册科", "食品安全协调科", "质量发展科"), ("营商环境", "企业服务")),
    "市政务服务和数据管理局": (
        ("审批改革科", "数据资源科", "政务服务科"),
        ("营商环境", "基层治理"),
    ),
}

TOWN_DUTIES = _words(
    "营商环境 企业服务 重点项目推进 招商引资 信访接待 乡村振兴 疫情防控卡点 养老保险 安全生产 生态环境保护 基层治理 征地拆迁 防汛抗旱"
)
SUBDISTRICT_DUTIES = _words(
    "营商环境 企业服务 重点项目推进 招商引资 信访接待 城市更新 疫情防控卡点 养老保险 基层治理 安全生产 就业服务"
)
VILLAGE_DUTIES = _words(
    "乡村振兴 村集体经济发展 基层党建 人居环境整治 特色产业发展 养老保险 防汛抗旱 信访接待"
)
COMMUNITY_DUTIES = _words("基层党建 基层治理 养老保险 信访接待 就业服务 疫情防控卡点")

TOWN_POSTS = ("镇党委副书记", "镇党委委员", "副镇长", "镇长助理")
SUBDISTRICT_POSTS = ("街道党工委副书记", "街道办事处副主任", "街道党工委委员", "街道办事处主任助理")
VILLAGE_POST = "村党组织第一书记"
COMMUNITY_POSTS = ("社区党组织第一书记", "社区党委副书记")


@dataclass(frozen=True)
class CohortPlan:
    name: str
    year: int
    start_date: date
    end_date: date
    description: str
    size: int
    # (status, how many) in this cohort; the rest of `size` uses `default_status`.
    early_endings: int
    default_status: str  # "pending" | "active" | "completed"
    checkin_enabled: bool = False
    min_days_per_month: int | None = None


COHORTS = (
    CohortPlan(
        name="2025年第一批墩苗历练干部",
        year=2025,
        start_date=date(2025, 3, 3),
        end_date=date(2026, 2, 27),
        description="市直部门年轻干部到镇街、村社区一线墩苗历练，为期一年，已期满返岗。",
        size=40,
        early_endings=4,
        default_status="completed",
    ),
    CohortPlan(
        name="2025年第二批墩苗历练干部",
        year=2025,
        start_date=date(2025, 9, 1),
        end_date=date(2027, 2, 26),
        description="聚焦营商环境、重点项目和乡村振兴，为期一年半，正在挂职。",
        size=50,
        early_endings=3,
        default_status="active",
        # The cohort on post tries the attendance rules: one-tap check-in and a monthly minimum.
        checkin_enabled=True,
        min_days_per_month=5,
    ),
    CohortPlan(
        name="2026年第一批墩苗历练干部",
        year=2026,
        start_date=date(2026, 12, 7),
        end_date=date(2027, 12, 3),
        description="已完成选派，待到接收单位报到。",
        size=30,
        early_endings=0,
        default_status="pending",
    ),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
    "万严覃向汤"
)
MALE_CHARS = (
    "伟强磊军勇杰涛斌超明辉鹏浩宇俊峰建志文国海林华东亮凯波飞刚毅睿博航哲恒振宏鑫洋晨阳彬健"
)
FEMALE_CHARS = "静丽敏燕娟艳霞婷雪琳颖慧洁倩娜玲芳萍佳欣悦晨瑶蕾琴薇丹璐怡妍露楠媛"
# Ethnic groups, weighted: 土家族 and 苗族 live in the province's west.
ETHNICITIES = ("汉族",) * 44 + ("土家族",) * 3 + ("回族", "苗族", "满族")
POLITICAL = ("cpc",) * 17 + ("cpc_probationary", "democratic", "masses")
EDUCATION = ("master",) * 7 + ("bachelor",) * 11 + ("doctorate", "college")
MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 177 180 182 183 185 186 187 188 189 198"
)
# Original post → plausible ranks (公务员职务与职级并行).
POSTS_RANKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("科长", ("四级调研员", "一级主任科员", "正科级")),
    ("副科长", ("二级主任科员", "三级主任科员", "副科级")),
    ("科员", ("一级科员", "四级主任科员")),
    ("主任科员", ("三级主任科员", "四级主任科员")),
)
OFFICE_POSTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("办公室主任", ("一级主任科员", "正科级")),
    ("办公室副主任", ("二级主任科员", "副科级")),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    full_name: str
    role_label_en: str
    # Names below the province, e.g. ("青川市", "安平区", "柳溪镇").
    unit: tuple[str, ...] = ()
    cadre_id_number: str = ""


@dataclass(frozen=True)
class CadrePlan:
    name: str
    gender: str
    birth_date: date
    id_number: str
    mobile: str
    ethnicity: str
    political_status: str
    education: str
    home_unit: str  # department name (its parent is the city)
    original_post: str
    rank: str


@dataclass(frozen=True)
class SecondmentPlan:
    cadre_id_number: str
    cohort: str
    host_unit: tuple[str, ...]  # names below the city: (district, town[, village])
    post: str
    duties: str
    start_date: date
    planned_end_date: date
    status: str
    actual_end_date: date | None


@dataclass
class Plan:
    cadres: list[CadrePlan] = field(default_factory=list)
    secondments: list[SecondmentPlan] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)


# The demo cadre login, posted from the development and reform commission to 柳溪镇.
DEMO_CADRE_NAME = "陈思远"
DEMO_HOST_TOWN = ("安平区", "柳溪镇")
DEMO_HOME_DEPARTMENT = "市发展和改革委员会"


def _id_number(rng: random.Random, gender: str, used: set[str]) -> tuple[str, date]:
    while True:
        birth = date(1980, 1, 1) + timedelta(
            days=rng.randrange((date(1995, 12, 31) - date(1980, 1, 1)).days)
        )
        region = rng.choice(BIRTH_REGION_CODES)
        order = rng.randrange(0, 50) * 2 + (1 if gender == "M" else 0)  # odd for men
        first17 = f"{region}{birth:%Y%m%d}{rng.randrange(10)}{order:02d}"
        number = first17 + id_check_char(first17)
        if number not in used:
            used.add(number)
            return number, birth


def _mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if number not in used:
            used.add(number)
            return number


def _name(rng: random.Random, gender: str, used: set[str]) -> str:
    chars = MALE_CHARS if gender == "M" else FEMALE_CHARS
    while True:
        given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used and len(set(given)) == len(given):
            used.add(name)
            return name


def _original_post(rng: random.Random, department: str) -> tuple[str, str]:
    sections, _ = DEPARTMENTS[department]
    if rng.random() < 0.12:
        post, ranks = rng.choice(OFFICE_POSTS)
        return post, rng.choice(ranks)
    title, ranks = rng.choice(POSTS_RANKS)
    return rng.choice(sections) + title, rng.choice(ranks)


def host_units() -> list[tuple[str, ...]]:
    """Every possible host: towns and sub-districts, and their villages and communities."""
    hosts: list[tuple[str, ...]] = []
    for district, towns in DISTRICTS.items():
        for town, villages in towns.items():
            hosts.append((district, town))
            hosts.extend((district, town, v) for v in villages)
    return hosts


def _post_and_duties(rng: random.Random, host: tuple[str, ...], department: str) -> tuple[str, str]:
    strengths = DEPARTMENTS[department][1]
    if len(host) == 3:
        if host[2].endswith("社区"):
            post, pool = rng.choice(COMMUNITY_POSTS), COMMUNITY_DUTIES
        else:
            post, pool = VILLAGE_POST, VILLAGE_DUTIES
    elif host[1].endswith("街道"):
        post, pool = rng.choice(SUBDISTRICT_POSTS), SUBDISTRICT_DUTIES
    else:
        post, pool = rng.choice(TOWN_POSTS), TOWN_DUTIES
    duties = [d for d in strengths if d in pool][:1]
    while len(duties) < rng.choice((2, 3, 3)):
        duty = rng.choice(pool)
        if duty not in duties:
            duties.append(duty)
    return post, "；".join(duties)


def build_plan(seed: int = SEED) -> Plan:
    """The whole demo programme, the same for the same seed."""
    rng = random.Random(seed)
    plan = Plan()
    used_ids: set[str] = set()
    used_mobiles: set[str] = set()
    used_names: set[str] = {DEMO_CADRE_NAME, "王立群", "刘晓燕", "周文涛", "孙浩", "郑洁", "何敏"}
    departments = list(DEPARTMENTS)
    hosts = host_units()
    towns: list[tuple[str, ...]] = [h for h in hosts if len(h) == 2]
    demo_id_number = ""
    villages = [h for h in hosts if len(h) == 3]

    for cohort in COHORTS:
        statuses = [cohort.default_status] * (cohort.size - cohort.early_endings)
        statuses += ["ended_early"] * cohort.early_endings
        rng.shuffle(statuses)
        if cohort.default_status == "active":
            statuses.insert(0, statuses.pop(statuses.index("active")))  # the demo cadre
        for i, status in enumerate(statuses):
            demo = cohort.default_status == "active" and i == 0
            host: tuple[str, ...]
            if demo:
                gender, name = "M", DEMO_CADRE_NAME
                department = DEMO_HOME_DEPARTMENT
                host = DEMO_HOST_TOWN
            else:
                gender = "M" if rng.random() < 0.62 else "F"
                name = _name(rng, gender, used_names)
                department = rng.choice(departments)
                host = rng.choice(villages) if rng.random() < 0.3 else rng.choice(towns)
            id_number, birth = _id_number(rng, gender, used_ids)
            original_post, rank = _original_post(rng, department)
            plan.cadres.append(
                CadrePlan(
                    name=name,
                    gender=gender,
                    birth_date=birth,
                    id_number=id_number,
                    mobile=_mobile(rng, used_mobiles),
                    ethnicity=rng.choice(ETHNICITIES),
                    political_status="cpc" if demo else rng.choice(POLITICAL),
                    education="master" if demo else rng.choice(EDUCATION),
                    home_unit=department,
                    original_post=original_post,
                    rank=rank,
                )
            )
            post, duties = _post_and_duties(rng, host, department)
            if demo:
                post, duties = "镇党委副书记", "营商环境；企业服务；重点项目推进"
            start = cohort.start_date + timedelta(days=rng.choice((0, 0, 0, 1, 2, 7)))
            actual_end: date | None = None
            if status == "completed":
                actual_end = cohort.end_date
            elif status == "ended_early":
                # Recalled for a new post, health or family reasons, a few months in.
                actual_end = start + timedelta(days=rng.randrange(90, 240))
            plan.secondments.append(
                SecondmentPlan(
                    cadre_id_number=id_number,
                    cohort=cohort.name,
                    host_unit=host,
                    post=post,
                    duties=duties,
                    start_date=start,
                    planned_end_date=cohort.end_date,
                    status=status,
                    actual_end_date=actual_end,
                )
            )
            if demo:
                demo_id_number = id_number

    plan.users = [
        DemoUser("zzb_admin", "programme_admin", "王立群", "programme admin"),
        DemoUser(
            "liuxi_host", "host_liaison", "刘晓燕", "host liaison", unit=(CITY, *DEMO_HOST_TOWN)
        ),
        DemoUser(
            "fgw_home", "home_liaison", "周文涛", "home liaison", unit=(CITY, DEMO_HOME_DEPARTMENT)
        ),
        DemoUser("chensiyuan", "cadre", DEMO_CADRE_NAME, "cadre", cadre_id_number=demo_id_number),
        DemoUser("sysadmin", "system_admin", "孙浩", "system admin"),
        DemoUser("secadmin", "security_admin", "郑洁", "security admin"),
        DemoUser("auditadmin", "audit_admin", "何敏", "audit admin"),
    ]
    return plan
