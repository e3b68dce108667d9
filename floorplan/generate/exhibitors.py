"""Invent exhibitors (names in English and Chinese, country, products) for generated venues.

Every name is made up from word lists; none is a real company. Names are drawn with the
caller's numpy ``Generator`` so that a seed gives the same exhibitors every time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from floorplan.schema import Zone

__all__ = ["CHAIN_STAGES", "Exhibitor", "invent_exhibitors"]

#: The order of a chain along the visitor's walk.
CHAIN_STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream")

#: Share of exhibitors from abroad at the first Chain Expo.
FOREIGN_SHARE = 0.26

# Chinese brands as (pinyin, hanzi); the English name uses the pinyin of the same brand.
_BRANDS: tuple[tuple[str, str], ...] = (
    ("Huaxin", "华信"), ("Ruifeng", "瑞丰"), ("Dingsheng", "鼎盛"), ("Jinqiao", "金桥"),
    ("Hengtong", "恒通"), ("Zhongke", "中科"), ("Tianhe", "天禾"), ("Yuanhang", "远航"),
    ("Xinghai", "星海"), ("Longteng", "龙腾"), ("Baichuan", "百川"), ("Qingyuan", "清源"),
    ("Lianchuang", "联创"), ("Jiahe", "嘉禾"), ("Anxin", "安信"), ("Boyuan", "博源"),
    ("Chenguang", "晨光"), ("Fengyuan", "丰源"), ("Guangda", "广达"), ("Haina", "海纳"),
    ("Jingwei", "经纬"), ("Kaiyuan", "开元"), ("Lvyuan", "绿源"), ("Mingde", "明德"),
    ("Ningkang", "宁康"), ("Pengcheng", "鹏程"), ("Qihang", "启航"), ("Runze", "润泽"),
    ("Shengshi", "盛世"), ("Taihe", "泰和"), ("Wanjia", "万家"), ("Xiangyun", "祥云"),
    ("Yinhe", "银河"), ("Zhiyuan", "致远"), ("Huarui", "华瑞"), ("Jiuzhou", "九州"),
    ("Kunlun", "昆仑"), ("Minghui", "明辉"), ("Sanyuan", "三元"), ("Tengfei", "腾飞"),
    ("Weiye", "伟业"), ("Xinyuan", "鑫源"), ("Yongsheng", "永盛"), ("Zhongtian", "中天"),
    ("Hongda", "宏达"), ("Jinxin", "金鑫"), ("Lixin", "立信"), ("Shuguang", "曙光"),
    ("Tongda", "通达"), ("Yuxiang", "宇翔"), ("Zhenghe", "正和"), ("Huayu", "华宇"),
    ("Hechuang", "合创"), ("Jianeng", "佳能达"), ("Qianfeng", "前锋"), ("Ruida", "瑞达"),
)  # fmt: skip

_CITIES: tuple[tuple[str, str], ...] = (
    ("Beijing", "北京"), ("Shanghai", "上海"), ("Shenzhen", "深圳"), ("Suzhou", "苏州"),
    ("Hangzhou", "杭州"), ("Chengdu", "成都"), ("Wuhan", "武汉"), ("Hefei", "合肥"),
    ("Xi'an", "西安"), ("Tianjin", "天津"), ("Qingdao", "青岛"), ("Ningbo", "宁波"),
    ("Changsha", "长沙"), ("Chongqing", "重庆"), ("Xiamen", "厦门"), ("Shenyang", "沈阳"),
    ("Zhengzhou", "郑州"), ("Nanjing", "南京"), ("Foshan", "佛山"), ("Kunming", "昆明"),
)  # fmt: skip

_CN_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("Co., Ltd.", "有限公司"), ("Group", "集团"), ("Technology Co., Ltd.", "科技有限公司"),
    ("Holdings", "控股有限公司"), ("Industrial Co., Ltd.", "实业有限公司"),
    ("Co., Ltd.", "股份有限公司"),
)  # fmt: skip

# Line of business per zone, (English, Chinese).
_CORES: dict[Zone, tuple[tuple[str, str], ...]] = {
    Zone.AUTOMOBILE: (
        ("Auto Parts", "汽车零部件"),
        ("Smart Mobility", "智能出行"),
        ("Motor", "电机"),
        ("Power Battery", "动力电池"),
        ("Vehicle Electronics", "汽车电子"),
        ("Drive Systems", "驱动系统"),
        ("Automotive Sensor", "车载传感器"),
        ("Autonomous Driving", "自动驾驶"),
        ("New Energy Vehicle", "新能源汽车"),
        ("Automotive Glass", "汽车玻璃"),
        ("Chassis Systems", "底盘系统"),
    ),
    Zone.AGRICULTURE: (
        ("Seed Industry", "种业"),
        ("Agritech", "农业科技"),
        ("Fertiliser", "肥业"),
        ("Food", "食品"),
        ("Dairy", "乳业"),
        ("Cold Chain", "冷链"),
        ("Grain & Oil", "粮油"),
        ("Smart Farming", "智慧农业"),
        ("Agricultural Machinery", "农机"),
        ("Aquaculture", "水产"),
        ("Tea", "茶业"),
    ),
    Zone.ENERGY: (
        ("Solar", "光伏"),
        ("New Energy", "新能源"),
        ("Wind Power", "风电"),
        ("Energy Storage", "储能"),
        ("Hydrogen", "氢能"),
        ("Power Grid Equipment", "电网设备"),
        ("Silicon Materials", "硅材料"),
        ("Inverter", "逆变器"),
        ("Green Power", "绿电"),
        ("Clean Energy", "清洁能源"),
        ("Battery Materials", "电池材料"),
    ),
    Zone.DIGITAL: (
        ("Semiconductor", "半导体"),
        ("Microelectronics", "微电子"),
        ("Cloud", "云计算"),
        ("Data", "数据"),
        ("Intelligent Computing", "智算"),
        ("Optoelectronics", "光电"),
        ("Software", "软件"),
        ("Communication", "通信"),
        ("Display", "显示"),
        ("Robotics", "机器人"),
        ("Integrated Circuit", "集成电路"),
    ),
    Zone.HEALTH: (
        ("Pharmaceutical", "制药"),
        ("Medical Devices", "医疗器械"),
        ("Biotech", "生物科技"),
        ("Diagnostics", "诊断"),
        ("Healthcare", "健康"),
        ("Life Sciences", "生命科学"),
        ("Nutrition", "营养"),
        ("Rehabilitation", "康复"),
        ("Medical Imaging", "医学影像"),
        ("Traditional Medicine", "中医药"),
        ("Elderly Care", "养老"),
    ),
    Zone.SERVICES: (
        ("Supply Chain Finance", "供应链金融"),
        ("Logistics", "物流"),
        ("Freight", "货运"),
        ("Trade Services", "贸易服务"),
        ("Digital Trade Platform", "数字贸易平台"),
        ("Consulting", "咨询"),
        ("Customs Brokerage", "报关"),
        ("Warehousing", "仓储"),
        ("Insurance", "保险"),
        ("Shipping", "航运"),
        ("Certification", "认证"),
    ),
}

# Products per zone and chain stage; services list its four lines instead of stages.
_PRODUCTS: dict[Zone, tuple[tuple[str, ...], ...]] = {
    Zone.AUTOMOBILE: (
        (
            "lithium battery cells",
            "automotive chips",
            "lidar sensors",
            "rare-earth magnets",
            "cathode materials",
            "wire harnesses",
            "lightweight alloys",
            "MCU modules",
        ),
        (
            "e-drive systems",
            "battery packs",
            "domain controllers",
            "thermal management",
            "smart cockpits",
            "steer-by-wire",
            "onboard chargers",
            "ADAS modules",
        ),
        (
            "smart electric vehicles",
            "charging stations",
            "robotaxi services",
            "battery swapping",
            "fleet telematics",
            "after-sales platforms",
            "vehicle leasing",
        ),
    ),
    Zone.AGRICULTURE: (
        (
            "hybrid seeds",
            "organic fertiliser",
            "agri-drones",
            "soil sensors",
            "breeding services",
            "biopesticides",
            "irrigation systems",
            "feed additives",
        ),
        (
            "grain processing",
            "cold-chain storage",
            "dairy processing",
            "meat processing",
            "packaging lines",
            "food safety testing",
            "edible oils",
            "tea processing",
        ),
        (
            "fresh-food retail",
            "rural e-commerce",
            "branded rice",
            "prepared meals",
            "traceability platforms",
            "catering supply",
            "specialty fruit",
            "infant nutrition",
        ),
    ),
    Zone.ENERGY: (
        (
            "polysilicon",
            "silicon wafers",
            "photovoltaic glass",
            "wind blades",
            "lithium carbonate",
            "electrolysers",
            "power semiconductors",
            "carbon fibre",
        ),
        (
            "PV modules",
            "wind turbines",
            "inverters",
            "battery storage cabinets",
            "transformers",
            "hydrogen fuel cells",
            "smart meters",
            "cables",
        ),
        (
            "utility-scale storage",
            "virtual power plants",
            "microgrids",
            "green certificates",
            "EPC services",
            "rooftop solar",
            "charging networks",
            "carbon accounting",
        ),
    ),
    Zone.DIGITAL: (
        (
            "wafers",
            "photoresist",
            "EDA software",
            "lithography parts",
            "specialty gases",
            "chip packaging",
            "optical fibre",
            "sputtering targets",
        ),
        (
            "servers",
            "AI accelerators",
            "network switches",
            "optical modules",
            "display panels",
            "industrial robots",
            "IoT modules",
            "storage arrays",
        ),
        (
            "cloud services",
            "industrial internet",
            "AI applications",
            "smart factories",
            "cybersecurity",
            "digital twins",
            "data exchanges",
            "smart city platforms",
        ),
    ),
    Zone.HEALTH: (
        (
            "active ingredients",
            "reagents",
            "culture media",
            "medical polymers",
            "enzymes",
            "lab instruments",
            "biomaterials",
            "herbal extracts",
        ),
        (
            "medical imaging systems",
            "surgical robots",
            "in-vitro diagnostics",
            "vaccines",
            "infusion pumps",
            "wearable monitors",
            "generic drugs",
            "implants",
        ),
        (
            "hospital supply",
            "e-pharmacy",
            "home care devices",
            "health checkups",
            "rehabilitation services",
            "elderly care",
            "nutrition products",
            "telemedicine",
        ),
    ),
    Zone.SERVICES: (
        (
            "supply-chain finance",
            "trade credit insurance",
            "cross-border payments",
            "factoring",
            "letters of credit",
        ),
        (
            "freight forwarding",
            "rail freight to Europe",
            "bonded warehousing",
            "last-mile delivery",
            "air cargo",
            "customs clearance",
        ),
        (
            "B2B trade platforms",
            "procurement platforms",
            "supply-chain visibility",
            "e-invoicing",
            "industrial marketplaces",
        ),
        (
            "trade consulting",
            "certification",
            "compliance advice",
            "legal services",
            "market research",
        ),
    ),
}

_ZONE_LABEL: dict[Zone, str] = {
    Zone.AUTOMOBILE: "smart-vehicle",
    Zone.AGRICULTURE: "green-agriculture",
    Zone.ENERGY: "clean-energy",
    Zone.DIGITAL: "digital-technology",
    Zone.HEALTH: "healthy-life",
    Zone.SERVICES: "supply-chain services",
}


@dataclass(frozen=True)
class _Country:
    name: str
    name_zh: str
    weight: float
    surnames: tuple[tuple[str, str], ...]  # (local, Chinese transliteration)
    patterns: tuple[str, ...]  # {s}/{s2} surnames, {c} line of business


# Foreign exhibitors: surnames with their own accents, and each country's company forms.
_COUNTRIES: tuple[_Country, ...] = (
    _Country("Germany", "德国", 9, (("Müller", "穆勒"), ("Schäfer", "舍费尔"), ("Weiß", "魏斯"),
             ("Köhler", "克勒"), ("Groß", "格罗斯"), ("Krüger", "克吕格"), ("Böhm", "伯姆"),
             ("Lührs", "吕尔斯")),
             ("{s} {c} GmbH", "{s} & {s2} {c} AG", "{s}werke {c} GmbH")),
    _Country("France", "法国", 6, (("Lefèvre", "勒费弗尔"), ("Bérénger", "贝朗热"),
             ("Gérard", "热拉尔"), ("Mérieux", "梅里厄"), ("Fénelon", "费奈隆"),
             ("Dupré", "杜普雷"), ("Chénier", "谢尼埃")),
             ("Société {s} {c}", "{s} {c} SA", "Groupe {s}-{s2} {c}")),
    _Country("Japan", "日本", 8, (("Takahashi", "高桥"), ("Nakamura", "中村"),
             ("Kobayashi", "小林"), ("Yamamoto", "山本"), ("Fujimori", "藤森"),
             ("Ōtsuka", "大冢"), ("Saitō", "斋藤")),
             ("{s} {c} Co., Ltd.", "{s}-{s2} {c} K.K.")),
    _Country("United States", "美国", 9, (("Whitman", "惠特曼"), ("Caldwell", "考德威尔"),
             ("Harrington", "哈灵顿"), ("Pruitt", "普鲁伊特"), ("Delgado", "德尔加多"),
             ("Okafor", "奥卡福"), ("Lindqvist", "林奎斯特")),
             ("{s} {c} Inc.", "{s} & {s2} {c} LLC")),
    _Country("Korea", "韩国", 5, (("Park", "朴"), ("Choi", "崔"), ("Han", "韩"),
             ("Seo", "徐"), ("Yoon", "尹")), ("{s}-{s2} {c} Co., Ltd.", "{s} {c} Corp.")),
    _Country("Italy", "意大利", 5, (("Rossi", "罗西"), ("Bianchi", "比安基"),
             ("Colombo", "科隆博"), ("Galli", "加利"), ("Niccolò", "尼科洛")),
             ("{s} {c} S.p.A.", "{s} & {s2} {c} S.r.l.")),
    _Country("Spain", "西班牙", 3, (("Núñez", "努涅斯"), ("Peña", "佩尼亚"), ("Ibáñez", "伊瓦涅斯"),
             ("Muñoz", "穆尼奥斯")), ("{s} {c} S.L.", "Grupo {s}-{s2} {c} S.A.")),
    _Country("United Kingdom", "英国", 5, (("Ashworth", "阿什沃思"), ("Pemberton", "彭伯顿"),
             ("Fairbairn", "费尔贝恩"), ("Holloway", "霍洛韦")),
             ("{s} {c} Ltd", "{s} & {s2} {c} plc")),
    _Country("Netherlands", "荷兰", 3, (("de Vries", "德弗里斯"), ("van Dijk", "范戴克"),
             ("Bakker", "巴克")), ("{s} {c} B.V.", "{s}-{s2} {c} N.V.")),
    _Country("Sweden", "瑞典", 2, (("Åberg", "奥贝里"), ("Lindström", "林德斯特伦"),
             ("Söderlund", "瑟德隆德")), ("{s} {c} AB", "{s} & {s2} {c} AB")),
    _Country("Denmark", "丹麦", 2, (("Sørensen", "索伦森"), ("Kjærgaard", "谢尔高")),
             ("{s} {c} A/S", "{s}-{s2} {c} A/S")),
    _Country("Norway", "挪威", 1, (("Ødegård", "厄德高"), ("Haugen", "豪根")),
             ("{s} {c} AS",)),
    _Country("Finland", "芬兰", 1, (("Mäkinen", "马基宁"), ("Häkkinen", "哈基宁")),
             ("{s} {c} Oy",)),
    _Country("Switzerland", "瑞士", 3, (("Zürcher", "苏彻"), ("Brändli", "布兰德利"),
             ("Gisler", "吉斯勒")), ("{s} {c} AG", "{s} & {s2} {c} SA")),
    _Country("Austria", "奥地利", 1, (("Grüner", "格吕纳"), ("Pölzl", "珀尔兹尔")),
             ("{s} {c} GmbH",)),
    _Country("Poland", "波兰", 1, (("Wiśniewski", "维什涅夫斯基"), ("Łukasik", "武卡西克")),
             ("{s} {c} Sp. z o.o.",)),
    _Country("Czechia", "捷克", 1, (("Dvořák", "德沃夏克"), ("Růžička", "鲁日奇卡")),
             ("{s} {c} s.r.o.",)),
    _Country("Türkiye", "土耳其", 2, (("Şahin", "沙欣"), ("Yılmaz", "耶尔马兹"),
             ("Öztürk", "厄兹蒂尔克")), ("{s} {c} A.Ş.",)),
    _Country("Brazil", "巴西", 3, (("Conceição", "孔塞桑"), ("Gonçalves", "贡萨尔维斯"),
             ("Araújo", "阿劳若")), ("{s} {c} Ltda.", "{s} & {s2} {c} S.A.")),
    _Country("Mexico", "墨西哥", 1, (("Hernández", "埃尔南德斯"), ("Ramírez", "拉米雷斯")),
             ("{s} {c} S.A. de C.V.",)),
    _Country("Singapore", "新加坡", 3, (("Tan", "陈"), ("Lim", "林"), ("Goh", "吴")),
             ("{s} {c} Pte. Ltd.", "{s}-{s2} {c} Pte. Ltd.")),
    _Country("Malaysia", "马来西亚", 2, (("Rahman", "拉赫曼"), ("Ismail", "伊斯梅尔")),
             ("{s} {c} Sdn. Bhd.",)),
    _Country("Vietnam", "越南", 2, (("Nguyễn", "阮"), ("Trần", "陈"), ("Phạm", "范")),
             ("{s} {c} JSC",)),
    _Country("Thailand", "泰国", 2, (("Srisuk", "西素"), ("Chaiyaporn", "猜亚蓬")),
             ("{s} {c} Co., Ltd.",)),
    _Country("Indonesia", "印度尼西亚", 2, (("Santoso", "桑托索"), ("Wijaya", "维贾亚")),
             ("PT {s} {c}",)),
    _Country("Australia", "澳大利亚", 3, (("McAllister", "麦卡利斯特"), ("Thornbury", "索恩伯里")),
             ("{s} {c} Pty Ltd",)),
    _Country("Kazakhstan", "哈萨克斯坦", 1, (("Nurlanov", "努尔兰诺夫"), ("Seitkali", "赛特卡利")),
             ("{s} {c} LLP",)),
    _Country("Saudi Arabia", "沙特阿拉伯", 1, (("Al-Harbi", "哈尔比"), ("Al-Qahtani", "卡赫塔尼")),
             ("{s} {c} Co.",)),
    _Country("United Arab Emirates", "阿联酋", 1, (("Al-Mansoori", "曼苏里"),),
             ("{s} {c} FZE",)),
    _Country("South Africa", "南非", 1, (("van der Merwe", "范德梅韦"), ("Nkosi", "恩科西")),
             ("{s} {c} (Pty) Ltd",)),
)  # fmt: skip


@dataclass(frozen=True)
class Exhibitor:
    """One invented exhibitor."""

    name: str
    name_zh: str
    country: str
    products: str
    description: str


def invent_exhibitors(
    rng: np.random.Generator, zones: list[Zone], stages: list[str]
) -> list[Exhibitor]:
    """Invent one distinct exhibitor per (zone, stage) pair given.

    Parameters
    ----------
    rng
        The generator all draws come from.
    zones, stages
        The zone and chain stage (``""`` for services) of each exhibitor's booth.

    Returns
    -------
    list of Exhibitor
        As many as ``zones``, every English name distinct; about 26 % from abroad.
    """
    n = len(zones)
    foreign = np.zeros(n, dtype=bool)
    foreign[rng.choice(n, size=round(n * FOREIGN_SHARE), replace=False)] = True
    weights = np.array([c.weight for c in _COUNTRIES])
    countries = rng.choice(len(_COUNTRIES), size=n, p=weights / weights.sum())
    taken: set[str] = set()
    out: list[Exhibitor] = []
    for i in range(n):
        zone, stage = zones[i], stages[i]
        country = _COUNTRIES[countries[i]] if foreign[i] else None
        name, name_zh = _unique_name(rng, zone, country, taken)
        taken.add(name)
        products = _products(rng, zone, stage)
        country_name = country.name if country else "China"
        out.append(
            Exhibitor(
                name=name,
                name_zh=name_zh,
                country=country_name,
                products=";".join(products),
                description=_describe(zone, stage, country_name, products),
            )
        )
    return out


def _unique_name(
    rng: np.random.Generator, zone: Zone, country: _Country | None, taken: set[str]
) -> tuple[str, str]:
    for _ in range(30):
        name, name_zh = _draw_name(rng, zone, country)
        if name not in taken:
            return name, name_zh
    # Word lists run short only at huge sizes: number the last draw to keep names distinct.
    k = 2
    while f"{name} No. {k}" in taken:
        k += 1
    return f"{name} No. {k}", f"{name_zh}{k}号"


def _draw_name(rng: np.random.Generator, zone: Zone, country: _Country | None) -> tuple[str, str]:
    cores = _CORES[zone]
    core, core_zh = cores[rng.integers(len(cores))]
    if country is None:
        brand, brand_zh = _BRANDS[rng.integers(len(_BRANDS))]
        suffix, suffix_zh = _CN_SUFFIXES[rng.integers(len(_CN_SUFFIXES))]
        if rng.random() < 0.5:
            city, city_zh = _CITIES[rng.integers(len(_CITIES))]
            return f"{city} {brand} {core} {suffix}", f"{city_zh}{brand_zh}{core_zh}{suffix_zh}"
        return f"{brand} {core} {suffix}", f"{brand_zh}{core_zh}{suffix_zh}"
    i, j = rng.choice(len(country.surnames), size=2, replace=len(country.surnames) < 2)
    (s, s_zh), (s2, s2_zh) = country.surnames[i], country.surnames[j]
    pattern = country.patterns[rng.integers(len(country.patterns))]
    name = pattern.format(s=s, s2=s2, c=core)
    two = "{s2}" in pattern
    zh = f"{s_zh}{'·' + s2_zh if two else ''}{core_zh}（{country.name_zh}）有限公司"
    return name, zh


def _products(rng: np.random.Generator, zone: Zone, stage: str) -> list[str]:
    lists = _PRODUCTS[zone]
    pool = lists[CHAIN_STAGES.index(stage)] if stage else lists[rng.integers(len(lists))]
    k = int(rng.integers(2, 4))
    return [pool[i] for i in sorted(rng.choice(len(pool), size=k, replace=False))]


def _describe(zone: Zone, stage: str, country: str, products: list[str]) -> str:
    what = ", ".join(products[:-1]) + " and " + products[-1]
    if zone is Zone.SERVICES:
        return f"Supply-chain service provider from {country} offering {what}."
    return f"{stage.capitalize()} {_ZONE_LABEL[zone]} supplier from {country}: {what}."
