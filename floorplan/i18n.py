"""Hold every user-interface string in English and Chinese in one catalogue.

Views ask :func:`text` for a key and a language; nothing on screen is a string literal
in a view module, so that a missing translation is found here, in one place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from typing import Any, Final, Protocol

from floorplan.errors import OptionError
from floorplan.schema import AmenityKind, Col, Zone, parse_option

__all__ = [
    "CATALOGUE",
    "Lang",
    "Record",
    "amenity_label",
    "amenity_name",
    "country_code",
    "country_name",
    "hall_name",
    "level_name",
    "parse_lang",
    "parse_levels",
    "pick",
    "pick_list",
    "text",
    "zone_name",
]


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
    "kind.door": ("Entrances and exits", "出入口"),
    "kind.event": ("Events", "活动"),
    "you_are_here": ("You are here", "您在这里"),
    "map.north": ("N", "北"),
    "map.door.entrance": ("Entrance / exit", "出入口"),
    "map.door.emergency_exit": ("Emergency exit", "安全出口"),
    "map.door.connection": ("Way between halls", "展馆通道"),
    "map.legend": ("Map key", "图例"),
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
        "Unknown kiosk {kiosk!r}: this screen does not know where it is. Choose where you are.",
        "未知导览机 {kiosk!r}：本屏幕不知道自己的位置，请选择您所在的位置。",
    ),
    "start.title": ("Where are you?", "您在哪里？"),
    "start.hint": (
        "Tap the map where you are, search for a booth near you, or pick an entrance or kiosk.",
        "请点击地图上您所在的位置、搜索您附近的展位，或选择入口或导览机。",
    ),
    "start.entrances": ("Hall entrances", "展馆入口"),
    "start.kiosks": ("Kiosks", "导览机"),
    "start.from": ("From: {place}", "出发地：{place}"),
    "start.change": ("Change where you are", "更改您的位置"),
    "start.choose": ("Where are you?", "您在哪里？"),
    "start.needed": (
        "Choose where you are to see the route here.",
        "请选择您所在的位置以查看前往此处的路线。",
    ),
    "start.not_floor": (
        "That is not walkable floor: tap an aisle or a booth.",
        "该处不可通行：请点击通道或展位。",
    ),
    "start.point": ("The point you tapped in {hall}", "您在{hall}点选的位置"),
    "start.back": ("Back", "返回"),
    "quick.title": ("Nearest", "最近的"),
    "quick.restroom": ("Restroom", "洗手间"),
    "quick.exit": ("Exit", "出口"),
    "quick.food": ("Food & drink", "餐饮"),
    "quick.info": ("Information", "问询处"),
    "quick.first_aid": ("First aid", "急救站"),
    "quick.no_start": ("Choose where you are first", "请先选择您的位置"),
    "quick.none": ("None in this venue", "本场馆没有"),
    "hits.distance": ("{metres} m · {minutes} min", "{metres} 米 · {minutes} 分钟"),
    "list.show_all": ("Show all {n}", "显示全部 {n} 项"),
    "list.shown": ("{shown} of {n}", "{shown} / {n}"),
    "door.entrance": ("Entrance, {hall}", "{hall}入口"),
    "door.exit": ("Exit, {hall}", "{hall}出口"),
    "door.emergency_exit": ("Emergency exit, {hall}", "{hall}安全出口"),
    "door.connection": ("Passage, {hall}", "{hall}通道"),
    "door.other": ("Door, {hall}", "{hall}门"),
    "kiosk.name": ("Kiosk {kiosk}, {hall}", "{hall}导览机 {kiosk}"),
    "home.title": ("Kiosks of {venue}", "{venue}导览机"),
    "home.lead": (
        "Open one link on each kiosk screen: the kiosk then knows where it stands and "
        "which way it faces. Visitors without a kiosk open the venue map.",
        "在每台导览机屏幕上打开对应链接：导览机即知道自己的位置和朝向。"
        "没有导览机的访客请打开场馆地图。",
    ),
    "home.visitor": ("Open the venue map", "打开场馆地图"),
    "home.kiosk": ("Kiosk {kiosk}", "导览机 {kiosk}"),
    "home.facing": ("facing {deg}°", "朝向 {deg}°"),
    "home.none": ("This venue has no kiosks.", "本场馆没有导览机。"),
    "home.staff": ("Planner and staff log-in", "规划与工作人员登录"),
    "place.unknown": ("Unknown place {place!r}.", "未知地点 {place!r}。"),
    "coming.planner": ("Floor planner: coming soon.", "展位规划：即将推出。"),
    "coming.staff": ("Staff view: coming soon.", "工作人员视图：即将推出。"),
    "logout": ("Log out", "退出登录"),
    "route.head": (
        "{metres} m, about {minutes} min, through {halls}",
        "全程{metres}米，约{minutes}分钟，途经{halls}",
    ),
    # The phone page (/m)
    "phone.no_origin": (
        "Scan a kiosk's QR code to get directions from there.",
        "扫描导览机上的二维码即可获得从那里出发的路线。",
    ),
    "phone.offline": (
        "Offline: the map and the last route still work; waiting for the network…",
        "离线：地图和上一条路线仍可使用；正在等待网络…",
    ),
    "phone.back_online": ("Back online", "网络已恢复"),
    "phone.loading": ("Loading the map…", "正在加载地图…"),
    "phone.failed": ("The map could not be loaded.", "地图无法加载。"),
    # floorplan serve's own pages: log-in, access denied, errors (floorplan.app.auth)
    "auth.title": ("Staff log-in", "工作人员登录"),
    "auth.lead": (
        "The planner and staff pages are for the fair's team.",
        "展位规划与工作人员页面仅供展会团队使用。",
    ),
    "auth.name": ("User name", "用户名"),
    "auth.password": ("Password", "密码"),
    "auth.submit": ("Log in", "登录"),
    "auth.wrong": ("Wrong user name or password.", "用户名或密码错误。"),
    "auth.wait": (
        "Too many failed log-ins. Try again in {seconds} s.",
        "登录失败次数过多，请 {seconds} 秒后再试。",
    ),
    "auth.busy": (
        "The server is busy checking other log-ins. Try again in a moment.",
        "服务器正忙于处理其他登录，请稍后再试。",
    ),
    "auth.logged_out": ("You are logged out.", "您已退出登录。"),
    "auth.back": ("Back to the visitor map", "返回访客导览地图"),
    "auth.other_lang": ("中文", "English"),
    "auth.denied_title": ("Access denied", "无权访问"),
    "auth.denied": (
        "You are logged in as {user} ({role}). The {page} page is for: {roles}.",
        "您当前以 {user}（{role}）身份登录。{page}页面仅限：{roles}。",
    ),
    "auth.your_page": ("Open the {page} page", "打开{page}页面"),
    "auth.switch_user": ("Log in as someone else", "以其他身份登录"),
    "auth.page.planner": ("planner", "展位规划"),
    "auth.page.staff": ("staff", "工作人员"),
    "auth.role.planner": ("planner", "规划员"),
    "auth.role.staff": ("staff", "工作人员"),
    "auth.role.admin": ("admin", "管理员"),
    "auth.broken_title": ("Log-in unavailable", "暂时无法登录"),
    "auth.broken": (
        "The server's user file cannot be read, so nobody can log in until an "
        "administrator mends it (the server's log says what is wrong).",
        "服务器的用户文件无法读取，管理员修复之前任何人都无法登录（详见服务器日志）。",
    ),
    "auth.not_found_title": ("Page not found", "页面不存在"),
    "auth.not_found": ("There is no page at {path}.", "{path} 没有页面。"),
    "auth.too_many_title": ("Please wait", "请稍候"),
    "auth.too_many": (
        "Too many pages opened from this address. This page reloads itself in {seconds} s.",
        "此地址打开的页面过多，本页面将在 {seconds} 秒后自动刷新。",
    ),
    "auth.error_title": ("Something went wrong", "出错了"),
    "auth.error": (
        "The server could not answer this request ({status}).",
        "服务器无法处理此请求（{status}）。",
    ),
    # A page whose server is out of reach (floorplan.app.connection) and drafts
    "conn.reconnecting": ("Reconnecting…", "正在重新连接…"),
    "conn.kiosk_detail": (
        "The map stays as it was; this screen comes back by itself in a moment.",
        "地图保持不变，屏幕稍后将自动恢复。",
    ),
    "conn.planner": (
        "Connection to the server lost: Save and Publish are off until it is back.",
        "与服务器的连接已断开：恢复连接前无法保存或发布。",
    ),
    "conn.planner_detail": (
        "Your unsaved edits are kept as a draft on the server; the page reloads by itself "
        "and offers them back.",
        "未保存的修改已作为草稿保存在服务器上；页面将自动重新加载并提供恢复。",
    ),
    "draft.offer": (
        "Restore your unsaved changes from {when}? Booths changed: {edits}.",
        "恢复 {when} 的未保存修改？改动的展位：{edits} 个。",
    ),
    "draft.detail": (
        "Autosaved on version {base}. Restore puts them back exactly; Discard deletes them.",
        "自动保存于版本 {base}。“恢复”将原样还原这些修改；“放弃”将删除它们。",
    ),
    "draft.restore": ("Restore", "恢复"),
    "draft.discard": ("Discard", "放弃"),
    "draft.restored": (
        "Restored the unsaved changes from {when} on version {base} (booths changed: {edits}).",
        "已恢复 {when} 的未保存修改（版本 {base}，改动的展位：{edits} 个）。",
    ),
    "draft.squashed": (
        "(a long history: restored as one undo step)",
        "（修改历史较长：已合并为一步撤销）",
    ),
    "draft.discarded": ("Discarded the unsaved edits from {when}.", "已放弃 {when} 的未保存修改。"),
    "draft.failed": ("The draft could not be restored: {reason}", "草稿无法恢复：{reason}"),
    "draft.not_kept": (
        "Unsaved edits could not be autosaved: {reason}",
        "未保存的修改无法自动保存：{reason}",
    ),
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
    # The capacity report's verdicts (/staff and its PDF): a safety officer's plain words.
    "verdict.ok": ("Within limits", "符合限值"),
    "verdict.ok_count": (
        "Within limits: {count} of {capacity} people",
        "符合限值：{count} 人，容量 {capacity} 人",
    ),
    "verdict.over": ("Over by {n} people", "超员 {n} 人"),
    "verdict.no_exit": ("No exit: nobody may be in this hall", "无安全出口：此馆不得有人"),
    "verdict.blocked": (
        "Exits blocked: {m} m of exit width behind booths",
        "出口被挡：{m} 米出口宽度被展位挡住",
    ),
    "verdict.travel": (
        "Too far to an exit: {worst} m where the limit is {limit} m",
        "距出口过远：{worst} 米，限值 {limit} 米",
    ),
    "verdict.problems": (
        "{n} more problem(s) to fix: {rules}",
        "另有 {n} 个问题待处理：{rules}",
    ),
    "verdict.forecast_over": (
        "Forecast peak over by {n} people",
        "预测高峰超员 {n} 人",
    ),
    "verdict.halls": ("{k} of {n} halls need action: {ids}", "{n} 个展馆中 {k} 个需处理：{ids}"),
    "verdict.venue_problems": (
        "{n} problem(s) of the whole venue",
        "全场 {n} 个问题",
    ),
    "verdict.venue": ("Venue", "全场"),
    "level.ground": ("Ground floor", "1层"),
    "level.above": ("Level {n}", "{floor}层"),
    "level.below": ("Basement {n}", "地下{n}层"),
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


class Record(Protocol):
    """A feature's properties: a dict, or a row of a (Geo)DataFrame."""

    def get(self, key: str, default: Any = None, /) -> Any:
        """Return the value of ``key``, ``default`` when there is none."""


def _clean(value: object) -> str:
    """Return a property as stripped text, ``""`` for a missing one (None, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def pick(record: Record, column: str, lang: Lang | str, /) -> str:
    """Return ``column`` of ``record`` in ``lang``, falling back to the other language.

    Chinese is read from ``<column>_zh`` (``name_zh``, ``title_zh``, ``exhibitor_zh``,
    ``products_zh``), English from ``column``; either falls back to the other when empty,
    and both are empty only when the record has neither.

    >>> hall = {"name": "East Hall 2", "name_zh": "东2馆"}
    >>> pick(hall, "name", "zh"), pick(hall, "name", "en"), pick({"name": "Hall"}, "name", "zh")
    ('东2馆', 'East Hall 2', 'Hall')
    """
    en = _clean(record.get(column, ""))
    zh = _clean(record.get(f"{column}_zh", ""))
    return (zh or en) if parse_lang(lang) is Lang.ZH else (en or zh)


def pick_list(record: Record, column: str, lang: Lang | str, /) -> list[str]:
    """Return the ``;``-separated list ``column`` (``products``) of ``record`` in ``lang``.

    ``<column>_zh`` lists the same items in Chinese, in the same order; an item missing
    there (a shorter list, an empty entry) is given in English, and the other way round.

    >>> booth = {"products": "lidar sensors;battery packs", "products_zh": "激光雷达"}
    >>> pick_list(booth, "products", "zh"), pick_list(booth, "products", "en")
    (['激光雷达', 'battery packs'], ['lidar sensors', 'battery packs'])
    """
    en = [p.strip() for p in _clean(record.get(column, "")).split(";")]
    zh = [p.strip() for p in _clean(record.get(f"{column}_zh", "")).split(";")]
    first, second = (zh, en) if parse_lang(lang) is Lang.ZH else (en, zh)
    out = []
    for k in range(max(len(first), len(second))):
        item = (first[k] if k < len(first) else "") or (second[k] if k < len(second) else "")
        if item:
            out.append(item)
    return out


def hall_name(record: Record, lang: Lang | str, /) -> str:
    """Return a hall's display name in ``lang``: its name, else its id.

    >>> hall_name({"hall_id": "E2", "name": "East Hall 2", "name_zh": "东2馆"}, "zh")
    '东2馆'
    >>> hall_name({"hall_id": "E2"}, "en")
    'E2'
    """
    return pick(record, Col.NAME, lang) or _clean(record.get(Col.HALL_ID, ""))


def amenity_label(record: Record, lang: Lang | str, /) -> str:
    """Return an amenity's display name in ``lang``: its name, else the word for its kind.

    >>> amenity_label({"kind": "restroom", "name": "", "name_zh": ""}, "zh")
    '洗手间'
    """
    return pick(record, Col.NAME, lang) or amenity_name(_clean(record.get(Col.KIND, "")), lang)


# ----------------------------------------------------------------------------- levels


def parse_levels(value: object) -> dict[int, tuple[str, str]]:
    """Return venue.json's ``levels`` as ``{level: (name, name_zh)}``.

    ``value`` is a list of objects ``{"level": int, "name": str, "name_zh": str}`` (both
    names optional); ``None`` is no list.

    Raises
    ------
    OptionError
        When ``value`` is not such a list, or names a level twice.

    >>> parse_levels([{"level": 0, "name": "Ground floor", "name_zh": "首层"}])
    {0: ('Ground floor', '首层')}
    """
    if value is None:
        return {}
    if not isinstance(value, list):
        msg = "venue.json 'levels' must be a list of {level, name, name_zh} objects"
        raise OptionError(msg)
    out: dict[int, tuple[str, str]] = {}
    for item in value:
        level = item.get("level") if isinstance(item, dict) else None
        if isinstance(level, bool) or not isinstance(level, int):
            msg = f"venue.json 'levels': {item!r} has no integer 'level'"
            raise OptionError(msg)
        names = (item.get("name"), item.get("name_zh"))
        if not all(n is None or isinstance(n, str) for n in names):
            msg = f"venue.json 'levels': the names of level {level} must be text"
            raise OptionError(msg)
        if level in out:
            msg = f"venue.json 'levels' names level {level} twice"
            raise OptionError(msg)
        out[level] = (_clean(names[0]), _clean(names[1]))
    return out


def level_name(level: int, lang: Lang | str, /, levels: object = None) -> str:
    """Return the name of floor ``level`` in ``lang``.

    ``levels`` is venue.json's ``levels`` list (see :func:`parse_levels`; one that does
    not parse is ignored). A level it does not name, or names in one language only, is
    called by its number: level 0 is the ground floor ("Ground floor", 1层), level 1
    the floor above ("Level 1", 2层: Chinese counts the ground floor as the first),
    level -1 the first basement ("Basement 1", 地下1层).

    >>> level_name(0, "zh"), level_name(2, "en"), level_name(2, "zh"), level_name(-1, "zh")
    ('1层', 'Level 2', '3层', '地下1层')
    >>> level_name(0, "zh", [{"level": 0, "name": "Hall level", "name_zh": "展厅层"}])
    '展厅层'
    """
    try:
        named = parse_levels(levels)
    except OptionError:
        named = {}
    en, zh = named.get(int(level), ("", ""))
    own = zh if parse_lang(lang) is Lang.ZH else en
    if own:
        return own
    n = int(level)
    if n == 0:
        return text("level.ground", lang)
    if n > 0:
        return text("level.above", lang, n=n, floor=n + 1)
    return text("level.below", lang, n=-n)


# -------------------------------------------------------------------------- countries

_SPLIT = re.compile(r"[\s/,;|]+")


@cache
def _territories() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Return CLDR's country names in English and Chinese by code, and codes by name."""
    # Babel ships the Unicode CLDR: a maintained source for names in every language.
    from babel import Locale  # noqa: PLC0415 - only loaded when a country is named

    def countries(locale: str) -> dict[str, str]:
        terr = Locale.parse(locale).territories
        return {str(c): str(n) for c, n in terr.items() if re.fullmatch("[A-Z]{2}", str(c))}

    en, zh = countries("en"), countries("zh")
    by_name: dict[str, str] = {}
    for names in (en, zh, countries("zh_Hant")):
        for code, name in names.items():
            by_name.setdefault(name.casefold(), code)
    return en, zh, by_name


def country_code(value: str) -> str:
    """Return the ISO 3166-1 alpha-2 code ``value`` stands for, ``""`` for none.

    ``value`` is a code (any case) or a country's name in English or Chinese as the
    Unicode CLDR spells it; a cell holding both ("中国 China") is read by its parts.

    >>> [country_code(c) for c in ("de", "Germany", "德国", "中国 China")]
    ['DE', 'DE', 'DE', 'CN']
    >>> country_code("Atlantis")
    ''
    """
    text_ = _clean(value)
    if not text_:
        return ""
    en, _, by_name = _territories()
    if text_.upper() in en:
        return text_.upper()
    whole = by_name.get(text_.casefold())
    if whole:
        return whole
    parts: Iterable[str] = [p for p in _SPLIT.split(text_) if p]
    found = {by_name.get(p.casefold()) or (p.upper() if p.upper() in en else "") for p in parts}
    found.discard("")
    return found.pop() if len(found) == 1 else ""


def country_name(value: str, lang: Lang | str, /) -> str:
    """Return the name of country ``value`` (a code or a name) in ``lang``, from CLDR.

    Text that names no country is returned as it is.

    >>> country_name("DE", "zh"), country_name("Germany", "zh"), country_name("KR", "en")
    ('德国', '德国', 'South Korea')
    >>> country_name("Atlantis", "zh")
    'Atlantis'
    """
    code = country_code(value)
    if not code:
        return _clean(value)
    en, zh, _ = _territories()
    return zh[code] if parse_lang(lang) is Lang.ZH else en[code]
