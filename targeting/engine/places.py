"""Chinese places the rule language knows: the 34 provincial-level divisions (ISO 3166-2:CN codes)
and their prefecture-level cities, by the names the site shows (``广州``, ``延边朝鲜族自治州``).

``geo.region`` holds ISO 3166-2 codes; in China they must be one of ``PROVINCES``. ``geo.city``
holds a Chinese city of ``CITIES`` where GeoIP (or a CDN) can name it: GeoIP's Chinese name with
the ``市`` suffix dropped, else its English name matched to a city's pinyin (``Guangzhou`` ->
``广州``). A rule may still name a city in pinyin as before (``Chengdu``): it is read as the
Chinese name. Plain data and pure functions; pinyin is computed once, on first use.
"""

from __future__ import annotations

import difflib
from functools import cache

#: ISO 3166-2:CN code -> Chinese name, in the order of the national administrative codes.
PROVINCES: dict[str, str] = {
    "CN-BJ": "北京",
    "CN-TJ": "天津",
    "CN-HE": "河北",
    "CN-SX": "山西",
    "CN-NM": "内蒙古",
    "CN-LN": "辽宁",
    "CN-JL": "吉林",
    "CN-HL": "黑龙江",
    "CN-SH": "上海",
    "CN-JS": "江苏",
    "CN-ZJ": "浙江",
    "CN-AH": "安徽",
    "CN-FJ": "福建",
    "CN-JX": "江西",
    "CN-SD": "山东",
    "CN-HA": "河南",
    "CN-HB": "湖北",
    "CN-HN": "湖南",
    "CN-GD": "广东",
    "CN-GX": "广西",
    "CN-HI": "海南",
    "CN-CQ": "重庆",
    "CN-SC": "四川",
    "CN-GZ": "贵州",
    "CN-YN": "云南",
    "CN-XZ": "西藏",
    "CN-SN": "陕西",
    "CN-GS": "甘肃",
    "CN-QH": "青海",
    "CN-NX": "宁夏",
    "CN-XJ": "新疆",
    "CN-TW": "台湾",
    "CN-HK": "香港",
    "CN-MO": "澳门",
}

_CITIES_TEXT: dict[str, str] = {
    "CN-BJ": "北京",
    "CN-TJ": "天津",
    "CN-HE": "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水",
    "CN-SX": "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
    "CN-NM": "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安盟 锡林郭勒盟 "
    "阿拉善盟",
    "CN-LN": "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛",
    "CN-JL": "长春 吉林 四平 辽源 通化 白山 松原 白城 延边朝鲜族自治州",
    "CN-HL": "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 "
    "大兴安岭地区",
    "CN-SH": "上海",
    "CN-JS": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁",
    "CN-ZJ": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水",
    "CN-AH": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
    "CN-FJ": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
    "CN-JX": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "CN-SD": "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
    "CN-HA": "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 "
    "周口 驻马店 济源",
    "CN-HB": "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施土家族苗族自治州 "
    "仙桃 潜江 天门 神农架林区",
    "CN-HN": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 "
    "湘西土家族苗族自治州",
    "CN-GD": "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 "
    "东莞 中山 潮州 揭阳 云浮",
    "CN-GX": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "CN-HI": "海口 三亚 三沙 儋州",
    "CN-CQ": "重庆",
    "CN-SC": "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 "
    "巴中 资阳 阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州",
    "CN-GZ": "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南布依族苗族自治州 黔东南苗族侗族自治州 "
    "黔南布依族苗族自治州",
    "CN-YN": "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄彝族自治州 红河哈尼族彝族自治州 "
    "文山壮族苗族自治州 西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 "
    "怒江傈僳族自治州 迪庆藏族自治州",
    "CN-XZ": "拉萨 日喀则 昌都 林芝 山南 那曲 阿里地区",
    "CN-SN": "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛",
    "CN-GS": "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏回族自治州 "
    "甘南藏族自治州",
    "CN-QH": "西宁 海东 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 "
    "玉树藏族自治州 海西蒙古族藏族自治州",
    "CN-NX": "银川 石嘴山 吴忠 固原 中卫",
    "CN-XJ": "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉回族自治州 博尔塔拉蒙古自治州 "
    "巴音郭楞蒙古自治州 阿克苏地区 克孜勒苏柯尔克孜自治州 喀什地区 和田地区 "
    "伊犁哈萨克自治州 塔城地区 阿勒泰地区",
    "CN-TW": "台北 新北 桃园 台中 台南 高雄 基隆 新竹 嘉义",
    "CN-HK": "香港",
    "CN-MO": "澳门",
}

#: Province code -> its prefecture-level cities (and the four municipalities, Hong Kong, Macao).
CITIES: dict[str, tuple[str, ...]] = {
    code: tuple(text.split()) for code, text in _CITIES_TEXT.items()
}
#: Every city name, and the province each belongs to.
CITY_PROVINCE: dict[str, str] = {city: code for code, cities in CITIES.items() for city in cities}
#: The countries GeoIP reports for three ISO 3166-2:CN divisions (their own ISO 3166-1 codes).
REGION_OF_COUNTRY = {"HK": "CN-HK", "MO": "CN-MO", "TW": "CN-TW"}
_SUFFIXES = ("市", "地区", "盟")


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@cache
def _by_pinyin() -> dict[str, str]:
    """Pinyin (lowercase, no spaces or tones) -> city, for the cities whose pinyin is unique."""
    from pypinyin import lazy_pinyin  # local: loaded only when a pinyin name must be read

    seen: dict[str, list[str]] = {}
    for city in CITY_PROVINCE:
        short = city
        for marker in (
            "朝鲜族",
            "土家族",
            "藏族",
            "彝族",
            "回族",
            "蒙古",
            "哈萨克",
            "傣族",
            "白族",
        ):
            short = short.split(marker)[0] if marker in short else short
        for text in {city, short}:
            seen.setdefault("".join(lazy_pinyin(text)).lower(), []).append(city)
    return {name: cities[0] for name, cities in seen.items() if len(set(cities)) == 1}


def city_name(text: str | None, english: str | None = None) -> str | None:
    """The city of ``CITIES`` a Chinese or pinyin name means, or None.

    ``广州市``, ``广州`` and ``Guangzhou`` are all ``广州``.
    """
    for candidate in (text, english):
        if not candidate:
            continue
        candidate = candidate.strip()
        if candidate in CITY_PROVINCE:
            return candidate
        for suffix in _SUFFIXES:
            if candidate.endswith(suffix) and candidate[: -len(suffix)] in CITY_PROVINCE:
                return candidate[: -len(suffix)]
        if candidate.isascii():
            found = _by_pinyin().get(_key(candidate))
            if found is not None:
                return found
    return None


def close_city(text: str) -> str | None:
    """A city whose pinyin is close to an ASCII name (``Guangzhuo``), as ``广州 (Guangzhou)``."""
    key = _key(text)
    match = difflib.get_close_matches(key, list(_by_pinyin()), n=1, cutoff=0.85)
    if not match:
        return None
    return f"{_by_pinyin()[match[0]]} ({match[0].capitalize()})"


def region_by_name(text: str) -> str | None:
    """The ISO code of a province written in Chinese (``广东``, ``广东省``), or None."""
    text = text.strip()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    for code, name in PROVINCES.items():
        if text == name:
            return code
    return None
