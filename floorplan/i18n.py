"""Hold every user-interface string in English and Chinese in one catalogue.

Views ask :func:`text` for a key and a language; nothing on screen is a string literal
in a view module, so that a missing translation is found here, in one place.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from floorplan.errors import OptionError
from floorplan.schema import AmenityKind, Zone, parse_option

__all__ = ["CATALOGUE", "Lang", "amenity_name", "parse_lang", "text", "zone_name"]


class Lang(StrEnum):
    """The languages of the user interface."""

    EN = "en"
    ZH = "zh"


#: key -> (English, Chinese). ``{name}``-style fields are filled by :func:`text`.
CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    "app.title": ("Chain Expo navigator", "链博会导航"),
    "lang.toggle": ("中文", "EN"),
    "search.placeholder": (
        "Search exhibitor, booth, product, zone, toilet…",
        "搜索展商、展位、产品、展区、洗手间…",
    ),
    "search.none": ("Nothing found for “{query}”", "未找到“{query}”"),
    "kind.exhibitor": ("Exhibitors", "展商"),
    "kind.booth": ("Booths", "展位"),
    "kind.product": ("Products", "产品"),
    "kind.zone": ("Zones", "展区"),
    "kind.amenity": ("Services", "服务设施"),
    "kind.event": ("Events", "活动"),
    "you_are_here": ("You are here", "您在这里"),
    "card.booth": ("Booth", "展位"),
    "card.zone": ("Zone", "展区"),
    "card.hall": ("Hall", "展馆"),
    "card.products": ("Products", "产品"),
    "card.country": ("Country", "国家/地区"),
    "card.distance": (
        "{metres} m walk, about {minutes} min",
        "步行 {metres} 米，约 {minutes} 分钟",
    ),
    "card.no_route": ("No walkable route from here: {reason}", "从此处无可步行路线：{reason}"),
    "card.no_router": ("Route finding is not available.", "路线规划暂不可用。"),
    "card.unsold": ("(booth not yet let)", "（展位待租）"),
    "card.steps": ("Directions", "路线指引"),
    "card.qr": ("Scan to take this route on your phone", "扫码在手机上查看此路线"),
    "card.close": ("Close", "关闭"),
    "toggle.accessible": ("Step-free route", "无障碍路线"),
    "toggle.contrast": ("High contrast", "高对比度"),
    "button.home": ("Home", "首页"),
    "button.zones": ("Zones", "展区"),
    "button.events": ("Events", "活动"),
    "zones.title": ("Browse by zone", "按展区浏览"),
    "zones.empty": ("No exhibitors in this zone", "该展区暂无展商"),
    "events.now": ("Now", "正在进行"),
    "events.next": ("Next", "即将开始"),
    "events.none": ("No more events today", "今日暂无更多活动"),
    "events.at": ("{start}–{end} · {place}", "{start}–{end} · {place}"),
    "home.hint": (
        "Search above, tap a booth on the map, or browse by zone.",
        "请在上方搜索、点击地图上的展位，或按展区浏览。",
    ),
    "kiosk.unknown": (
        "Unknown kiosk {kiosk!r}; showing the whole venue.",
        "未知导览机 {kiosk!r}；显示整个场馆。",
    ),
    "place.unknown": ("Unknown place {place!r}.", "未知地点 {place!r}。"),
    "coming.planner": ("Floor planner: coming soon.", "展位规划：即将推出。"),
    "coming.staff": ("Staff view: coming soon.", "工作人员视图：即将推出。"),
    "logout": ("Log out", "退出登录"),
    # Printed plans, the exhibitor directory and escape plans (floorplan.render)
    "print.venue_plan": ("Venue plan", "场馆总平面图"),
    "print.hall_plan": ("Hall plan", "展馆平面图"),
    "print.layout": ("Layout {version}", "布局 {version}"),
    "print.printed": ("Printed {date}", "打印日期 {date}"),
    "print.scale": ("Scale 1:{n} on {paper}", "比例 1:{n}（{paper}）"),
    "print.page": ("Page {n} of {total}", "第 {n} 页，共 {total} 页"),
    "print.north": ("N", "北"),
    "print.legend": ("Legend", "图例"),
    "print.left_out": (
        "{count} names that do not fit are in the exhibitor directory",
        "{count} 个放不下的名称见展商名录",
    ),
    "print.unsold": ("Not yet let", "待租"),
    "print.entrance": ("Entrance", "入口"),
    "print.exit": ("Exit", "出口"),
    "print.emergency_exit": ("Emergency exit", "紧急出口"),
    "print.connection": ("Passage between halls", "展馆连通口"),
    "print.kiosk": ("Kiosk", "导览机"),
    "print.obstacle": ("Column, stage, service", "柱子、舞台、设施"),
    "print.directory": ("Exhibitor directory", "展商名录"),
    "print.directory_en": ("Exhibitors A–Z", "展商（英文字母序）"),
    "print.directory_zh": ("Exhibitors by pinyin", "展商（按拼音排序）"),
    "print.zone_index": ("Index by zone", "展区索引"),
    "print.continued": ("{title} (continued)", "{title}（续）"),
    "escape.title": ("Escape plan", "疏散示意图"),
    "escape.kiosk": ("Kiosk {kiosk}, {hall}", "导览机 {kiosk}，{hall}"),
    "escape.route": ("Escape route", "疏散路线"),
    "escape.route_to": (
        "Route {n} to emergency exit {exit}: {metres} m, about {seconds} s on foot",
        "路线 {n} 至紧急出口 {exit}：{metres} 米，步行约 {seconds} 秒",
    ),
    "escape.route_state": ("{route} ({state})", "{route}（{state}）"),
    "escape.step_free": ("step-free", "无台阶"),
    "escape.has_steps": ("has steps", "有台阶"),
    "escape.step_free_exit": (
        "Nearest step-free way out: emergency exit {exit}, {metres} m",
        "最近的无台阶出口：紧急出口 {exit}，{metres} 米",
    ),
    "escape.no_route": (
        "No walkable route from here to an emergency exit.",
        "此处无可步行至紧急出口的路线。",
    ),
    "escape.fire_extinguisher": ("Fire extinguisher", "灭火器"),
    "escape.fire_alarm": ("Fire alarm call point", "手动火灾报警按钮"),
    "escape.defibrillator": ("Defibrillator (AED)", "自动体外除颤器"),
    "escape.assembly_point": ("Assembly point", "集合点"),
    "escape.assembly_at": ("Assembly point: {name}", "集合点：{name}"),
    "escape.advice": (
        "In a fire or an alarm: keep calm, follow the green signs to the nearest exit, "
        "do not use lifts, help others.",
        "发生火灾或听到警报时：保持冷静，沿绿色标志前往最近出口，勿乘电梯，互相帮助。",
    ),
    "zone.automobile": ("Intelligent automobile chain", "智能汽车链"),
    "zone.agriculture": ("Green agriculture chain", "绿色农业链"),
    "zone.energy": ("Clean energy chain", "清洁能源链"),
    "zone.digital": ("Digital technology chain", "数字科技链"),
    "zone.health": ("Healthy life chain", "健康生活链"),
    "zone.services": ("Supply chain services", "供应链服务"),
    "amenity.restroom": ("Restroom", "洗手间"),
    "amenity.cafe": ("Café", "餐饮"),
    "amenity.info": ("Information", "问询处"),
    "amenity.first_aid": ("First aid", "医疗急救"),
    "amenity.stage": ("Stage", "舞台"),
    "amenity.meeting_room": ("Meeting room", "会议室"),
    "amenity.prayer_room": ("Prayer room", "祈祷室"),
    "amenity.cloakroom": ("Cloakroom", "衣帽间"),
    "amenity.other": ("Service point", "服务点"),
}


def parse_lang(value: str | Lang | None) -> Lang:
    """Return ``value`` as a :class:`Lang`, English for ``None`` or an empty string.

    Raises
    ------
    OptionError
        When ``value`` names no language of the catalogue.
    """
    if value is None or value == "":
        return Lang.EN
    return parse_option(Lang, str(value).lower(), what="language")


def text(key: str, lang: Lang | str, /, **fields: object) -> str:
    """Return the catalogue string ``key`` in ``lang`` with ``fields`` filled in.

    Raises
    ------
    OptionError
        When ``key`` is not in the catalogue.
    """
    try:
        en, zh = CATALOGUE[key]
    except KeyError:
        msg = f"no UI string {key!r} in the catalogue"
        raise OptionError(msg) from None
    template = zh if parse_lang(lang) is Lang.ZH else en
    return template.format(**fields) if fields else template


def zone_name(zone: str, lang: Lang | str) -> str:
    """Return the display name of ``zone`` (one of :class:`~floorplan.schema.Zone`)."""
    return text(f"zone.{parse_option(Zone, zone, what='zone').value}", lang)


def amenity_name(kind: str, lang: Lang | str) -> str:
    """Return the display name of amenity ``kind``; kinds without a word get a generic one."""
    known = {k.value for k in AmenityKind}
    return text(f"amenity.{kind if kind in known else 'other'}", lang)
