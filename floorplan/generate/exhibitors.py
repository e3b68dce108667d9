"""Invent exhibitors (names and products in English and Chinese, country) for generated venues.

Every name is made up from word lists; none is a real company. Names are drawn with the
caller's numpy ``Generator`` so that a seed gives the same exhibitors every time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from floorplan.i18n import Lang, country_name
from floorplan.schema import Zone

__all__ = ["CHAIN_STAGES", "HOME_COUNTRY", "Exhibitor", "exhibitors_for", "invent_exhibitors"]

#: The order of a chain along the visitor's walk.
CHAIN_STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream")

#: Share of exhibitors from abroad at the first Chain Expo.
FOREIGN_SHARE = 0.26
#: Where the other exhibitors come from (ISO 3166-1 alpha-2).
HOME_COUNTRY = "CN"


def exhibitors_for(booths: int, unsold_every: int) -> int:
    """Return how many of ``booths`` booths are let when one in ``unsold_every + 1`` is not.

    ``booths`` counts every booth, let or not, so that a venue asked for with N booths
    has exactly N (one unsold booth per ``unsold_every`` exhibitors).

    >>> exhibitors_for(523, 60), exhibitors_for(5000, 100), exhibitors_for(1, 60)
    (515, 4951, 1)
    """
    return booths - booths // (unsold_every + 1)


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

# Products per zone and chain stage, (English, Chinese); services list its four lines
# instead of stages. The Chinese words are what a visitor types (激光雷达 for lidar).
_PRODUCTS: dict[Zone, tuple[tuple[tuple[str, str], ...], ...]] = {
    Zone.AUTOMOBILE: (
        (
            ("lithium battery cells", "锂电池电芯"),
            ("automotive chips", "车规级芯片"),
            ("lidar sensors", "激光雷达"),
            ("rare-earth magnets", "稀土永磁体"),
            ("cathode materials", "正极材料"),
            ("wire harnesses", "线束"),
            ("lightweight alloys", "轻量化合金"),
            ("MCU modules", "MCU模组"),
        ),
        (
            ("e-drive systems", "电驱动系统"),
            ("battery packs", "电池包"),
            ("domain controllers", "域控制器"),
            ("thermal management", "热管理系统"),
            ("smart cockpits", "智能座舱"),
            ("steer-by-wire", "线控转向"),
            ("onboard chargers", "车载充电机"),
            ("ADAS modules", "高级驾驶辅助模块"),
        ),
        (
            ("smart electric vehicles", "智能电动汽车"),
            ("charging stations", "充电桩"),
            ("robotaxi services", "自动驾驶出租车服务"),
            ("battery swapping", "换电服务"),
            ("fleet telematics", "车队车联网"),
            ("after-sales platforms", "售后服务平台"),
            ("vehicle leasing", "汽车租赁"),
        ),
    ),
    Zone.AGRICULTURE: (
        (
            ("hybrid seeds", "杂交种子"),
            ("organic fertiliser", "有机肥"),
            ("agri-drones", "农业无人机"),
            ("soil sensors", "土壤传感器"),
            ("breeding services", "育种服务"),
            ("biopesticides", "生物农药"),
            ("irrigation systems", "灌溉系统"),
            ("feed additives", "饲料添加剂"),
        ),
        (
            ("grain processing", "粮食加工"),
            ("cold-chain storage", "冷链仓储"),
            ("dairy processing", "乳制品加工"),
            ("meat processing", "肉类加工"),
            ("packaging lines", "包装生产线"),
            ("food safety testing", "食品安全检测"),
            ("edible oils", "食用油"),
            ("tea processing", "茶叶加工"),
        ),
        (
            ("fresh-food retail", "生鲜零售"),
            ("rural e-commerce", "农村电商"),
            ("branded rice", "品牌大米"),
            ("prepared meals", "预制菜"),
            ("traceability platforms", "溯源平台"),
            ("catering supply", "餐饮供应"),
            ("specialty fruit", "特色水果"),
            ("infant nutrition", "婴幼儿营养品"),
        ),
    ),
    Zone.ENERGY: (
        (
            ("polysilicon", "多晶硅"),
            ("silicon wafers", "硅片"),
            ("photovoltaic glass", "光伏玻璃"),
            ("wind blades", "风电叶片"),
            ("lithium carbonate", "碳酸锂"),
            ("electrolysers", "电解槽"),
            ("power semiconductors", "功率半导体"),
            ("carbon fibre", "碳纤维"),
        ),
        (
            ("PV modules", "光伏组件"),
            ("wind turbines", "风力发电机组"),
            ("inverters", "逆变器"),
            ("battery storage cabinets", "储能电池柜"),
            ("transformers", "变压器"),
            ("hydrogen fuel cells", "氢燃料电池"),
            ("smart meters", "智能电表"),
            ("cables", "电缆"),
        ),
        (
            ("utility-scale storage", "大型储能电站"),
            ("virtual power plants", "虚拟电厂"),
            ("microgrids", "微电网"),
            ("green certificates", "绿色电力证书"),
            ("EPC services", "EPC总承包服务"),
            ("rooftop solar", "屋顶光伏"),
            ("charging networks", "充电网络"),
            ("carbon accounting", "碳核算"),
        ),
    ),
    Zone.DIGITAL: (
        (
            ("wafers", "晶圆"),
            ("photoresist", "光刻胶"),
            ("EDA software", "EDA软件"),
            ("lithography parts", "光刻机零部件"),
            ("specialty gases", "特种气体"),
            ("chip packaging", "芯片封装"),
            ("optical fibre", "光纤"),
            ("sputtering targets", "溅射靶材"),
        ),
        (
            ("servers", "服务器"),
            ("AI accelerators", "AI加速芯片"),
            ("network switches", "网络交换机"),
            ("optical modules", "光模块"),
            ("display panels", "显示面板"),
            ("industrial robots", "工业机器人"),
            ("IoT modules", "物联网模组"),
            ("storage arrays", "存储阵列"),
        ),
        (
            ("cloud services", "云服务"),
            ("industrial internet", "工业互联网"),
            ("AI applications", "人工智能应用"),
            ("smart factories", "智能工厂"),
            ("cybersecurity", "网络安全"),
            ("digital twins", "数字孪生"),
            ("data exchanges", "数据交易所"),
            ("smart city platforms", "智慧城市平台"),
        ),
    ),
    Zone.HEALTH: (
        (
            ("active ingredients", "原料药"),
            ("reagents", "试剂"),
            ("culture media", "培养基"),
            ("medical polymers", "医用高分子材料"),
            ("enzymes", "酶制剂"),
            ("lab instruments", "实验室仪器"),
            ("biomaterials", "生物材料"),
            ("herbal extracts", "植物提取物"),
        ),
        (
            ("medical imaging systems", "医学影像设备"),
            ("surgical robots", "手术机器人"),
            ("in-vitro diagnostics", "体外诊断"),
            ("vaccines", "疫苗"),
            ("infusion pumps", "输液泵"),
            ("wearable monitors", "可穿戴监测设备"),
            ("generic drugs", "仿制药"),
            ("implants", "植入器械"),
        ),
        (
            ("hospital supply", "医院供应"),
            ("e-pharmacy", "网上药房"),
            ("home care devices", "家用医疗器械"),
            ("health checkups", "健康体检"),
            ("rehabilitation services", "康复服务"),
            ("elderly care", "养老服务"),
            ("nutrition products", "营养品"),
            ("telemedicine", "远程医疗"),
        ),
    ),
    Zone.SERVICES: (
        (
            ("supply-chain finance", "供应链金融"),
            ("trade credit insurance", "贸易信用保险"),
            ("cross-border payments", "跨境支付"),
            ("factoring", "保理"),
            ("letters of credit", "信用证"),
        ),
        (
            ("freight forwarding", "货运代理"),
            ("rail freight to Europe", "中欧班列货运"),
            ("bonded warehousing", "保税仓储"),
            ("last-mile delivery", "末端配送"),
            ("air cargo", "航空货运"),
            ("customs clearance", "清关服务"),
        ),
        (
            ("B2B trade platforms", "B2B贸易平台"),
            ("procurement platforms", "采购平台"),
            ("supply-chain visibility", "供应链可视化"),
            ("e-invoicing", "电子发票"),
            ("industrial marketplaces", "工业品交易平台"),
        ),
        (
            ("trade consulting", "贸易咨询"),
            ("certification", "认证服务"),
            ("compliance advice", "合规咨询"),
            ("legal services", "法律服务"),
            ("market research", "市场调研"),
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
    code: str  # ISO 3166-1 alpha-2; names in every language come from CLDR (Babel)
    weight: float
    surnames: tuple[tuple[str, str], ...]  # (local, Chinese transliteration)
    patterns: tuple[str, ...]  # {s}/{s2} surnames, {c} line of business


# Foreign exhibitors: surnames with their own accents, and each country's company forms.
_COUNTRIES: tuple[_Country, ...] = (
    _Country("DE", 9, (("Müller", "穆勒"), ("Schäfer", "舍费尔"), ("Weiß", "魏斯"),
             ("Köhler", "克勒"), ("Groß", "格罗斯"), ("Krüger", "克吕格"), ("Böhm", "伯姆"),
             ("Lührs", "吕尔斯")),
             ("{s} {c} GmbH", "{s} & {s2} {c} AG", "{s}werke {c} GmbH")),
    _Country("FR", 6, (("Lefèvre", "勒费弗尔"), ("Bérénger", "贝朗热"),
             ("Gérard", "热拉尔"), ("Mérieux", "梅里厄"), ("Fénelon", "费奈隆"),
             ("Dupré", "杜普雷"), ("Chénier", "谢尼埃")),
             ("Société {s} {c}", "{s} {c} SA", "Groupe {s}-{s2} {c}")),
    _Country("JP", 8, (("Takahashi", "高桥"), ("Nakamura", "中村"),
             ("Kobayashi", "小林"), ("Yamamoto", "山本"), ("Fujimori", "藤森"),
             ("Ōtsuka", "大冢"), ("Saitō", "斋藤")),
             ("{s} {c} Co., Ltd.", "{s}-{s2} {c} K.K.")),
    _Country("US", 9, (("Whitman", "惠特曼"), ("Caldwell", "考德威尔"),
             ("Harrington", "哈灵顿"), ("Pruitt", "普鲁伊特"), ("Delgado", "德尔加多"),
             ("Okafor", "奥卡福"), ("Lindqvist", "林奎斯特")),
             ("{s} {c} Inc.", "{s} & {s2} {c} LLC")),
    _Country("KR", 5, (("Park", "朴"), ("Choi", "崔"), ("Han", "韩"),
             ("Seo", "徐"), ("Yoon", "尹")), ("{s}-{s2} {c} Co., Ltd.", "{s} {c} Corp.")),
    _Country("IT", 5, (("Rossi", "罗西"), ("Bianchi", "比安基"),
             ("Colombo", "科隆博"), ("Galli", "加利"), ("Niccolò", "尼科洛")),
             ("{s} {c} S.p.A.", "{s} & {s2} {c} S.r.l.")),
    _Country("ES", 3, (("Núñez", "努涅斯"), ("Peña", "佩尼亚"), ("Ibáñez", "伊瓦涅斯"),
             ("Muñoz", "穆尼奥斯")), ("{s} {c} S.L.", "Grupo {s}-{s2} {c} S.A.")),
    _Country("GB", 5, (("Ashworth", "阿什沃思"), ("Pemberton", "彭伯顿"),
             ("Fairbairn", "费尔贝恩"), ("Holloway", "霍洛韦")),
             ("{s} {c} Ltd", "{s} & {s2} {c} plc")),
    _Country("NL", 3, (("de Vries", "德弗里斯"), ("van Dijk", "范戴克"),
             ("Bakker", "巴克")), ("{s} {c} B.V.", "{s}-{s2} {c} N.V.")),
    _Country("SE", 2, (("Åberg", "奥贝里"), ("Lindström", "林德斯特伦"),
             ("Söderlund", "瑟德隆德")), ("{s} {c} AB", "{s} & {s2} {c} AB")),
    _Country("DK", 2, (("Sørensen", "索伦森"), ("Kjærgaard", "谢尔高")),
             ("{s} {c} A/S", "{s}-{s2} {c} A/S")),
    _Country("NO", 1, (("Ødegård", "厄德高"), ("Haugen", "豪根")),
             ("{s} {c} AS",)),
    _Country("FI", 1, (("Mäkinen", "马基宁"), ("Häkkinen", "哈基宁")),
             ("{s} {c} Oy",)),
    _Country("CH", 3, (("Zürcher", "苏彻"), ("Brändli", "布兰德利"),
             ("Gisler", "吉斯勒")), ("{s} {c} AG", "{s} & {s2} {c} SA")),
    _Country("AT", 1, (("Grüner", "格吕纳"), ("Pölzl", "珀尔兹尔")),
             ("{s} {c} GmbH",)),
    _Country("PL", 1, (("Wiśniewski", "维什涅夫斯基"), ("Łukasik", "武卡西克")),
             ("{s} {c} Sp. z o.o.",)),
    _Country("CZ", 1, (("Dvořák", "德沃夏克"), ("Růžička", "鲁日奇卡")),
             ("{s} {c} s.r.o.",)),
    _Country("TR", 2, (("Şahin", "沙欣"), ("Yılmaz", "耶尔马兹"),
             ("Öztürk", "厄兹蒂尔克")), ("{s} {c} A.Ş.",)),
    _Country("BR", 3, (("Conceição", "孔塞桑"), ("Gonçalves", "贡萨尔维斯"),
             ("Araújo", "阿劳若")), ("{s} {c} Ltda.", "{s} & {s2} {c} S.A.")),
    _Country("MX", 1, (("Hernández", "埃尔南德斯"), ("Ramírez", "拉米雷斯")),
             ("{s} {c} S.A. de C.V.",)),
    _Country("SG", 3, (("Tan", "陈"), ("Lim", "林"), ("Goh", "吴")),
             ("{s} {c} Pte. Ltd.", "{s}-{s2} {c} Pte. Ltd.")),
    _Country("MY", 2, (("Rahman", "拉赫曼"), ("Ismail", "伊斯梅尔")),
             ("{s} {c} Sdn. Bhd.",)),
    _Country("VN", 2, (("Nguyễn", "阮"), ("Trần", "陈"), ("Phạm", "范")),
             ("{s} {c} JSC",)),
    _Country("TH", 2, (("Srisuk", "西素"), ("Chaiyaporn", "猜亚蓬")),
             ("{s} {c} Co., Ltd.",)),
    _Country("ID", 2, (("Santoso", "桑托索"), ("Wijaya", "维贾亚")),
             ("PT {s} {c}",)),
    _Country("AU", 3, (("McAllister", "麦卡利斯特"), ("Thornbury", "索恩伯里")),
             ("{s} {c} Pty Ltd",)),
    _Country("KZ", 1, (("Nurlanov", "努尔兰诺夫"), ("Seitkali", "赛特卡利")),
             ("{s} {c} LLP",)),
    _Country("SA", 1, (("Al-Harbi", "哈尔比"), ("Al-Qahtani", "卡赫塔尼")),
             ("{s} {c} Co.",)),
    _Country("AE", 1, (("Al-Mansoori", "曼苏里"),),
             ("{s} {c} FZE",)),
    _Country("ZA", 1, (("van der Merwe", "范德梅韦"), ("Nkosi", "恩科西")),
             ("{s} {c} (Pty) Ltd",)),
)  # fmt: skip


@dataclass(frozen=True)
class Exhibitor:
    """One invented exhibitor."""

    name: str
    name_zh: str
    country: str  # ISO 3166-1 alpha-2
    products: str
    products_zh: str  # the same products in Chinese, in the same order
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
        code = country.code if country else HOME_COUNTRY
        english = [en for en, _ in products]
        out.append(
            Exhibitor(
                name=name,
                name_zh=name_zh,
                country=code,
                products=";".join(english),
                products_zh=";".join(zh for _, zh in products),
                description=_describe(zone, stage, country_name(code, Lang.EN), english),
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
    home = country_name(country.code, Lang.ZH)
    zh = f"{s_zh}{'·' + s2_zh if two else ''}{core_zh}（{home}）有限公司"
    return name, zh


def _products(rng: np.random.Generator, zone: Zone, stage: str) -> list[tuple[str, str]]:
    lists = _PRODUCTS[zone]
    pool = lists[CHAIN_STAGES.index(stage)] if stage else lists[rng.integers(len(lists))]
    k = int(rng.integers(2, 4))
    return [pool[i] for i in sorted(rng.choice(len(pool), size=k, replace=False))]


def _describe(zone: Zone, stage: str, country: str, products: list[str]) -> str:
    what = ", ".join(products[:-1]) + " and " + products[-1]
    if zone is Zone.SERVICES:
        return f"Supply-chain service provider from {country} offering {what}."
    return f"{stage.capitalize()} {_ZONE_LABEL[zone]} supplier from {country}: {what}."
