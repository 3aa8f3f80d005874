"""The demo district's fixed facts: names and codes of Wanxiu District (万秀区), Wuzhou.

Street names are Wanxiu's real streets; community, road and shop names are realistic but the
demo does not claim that any of them is a real record.
"""

DISTRICT = {"code": "450403", "name": "万秀区"}

# Region code of the ID-card numbers issued in the district (GB 11643: first 6 digits).
REGION_CODE = "450403"

# (street, its communities, each community's main road). Street codes 450403001…005 in order.
STREETS = [
    (
        "城东街道",
        ["骑楼社区", "大东上路社区", "九坊路社区", "新兴社区", "富民社区", "北山社区"],
        ["大东上路", "大东下路", "九坊路", "新兴一路", "富民二路", "北山路"],
    ),
    (
        "城南街道",
        ["河东社区", "沿江社区", "大南路社区", "四坊路社区", "五坊路社区", "阜民社区"],
        ["河东路", "沿江一路", "大南路", "四坊路", "五坊路", "阜民路"],
    ),
    (
        "城北街道",
        ["小东路社区", "西江社区", "桂江社区", "中山社区", "建设路社区", "民主社区"],
        ["小东路", "西江二路", "桂江路", "中山路", "建设路", "民主路"],
    ),
    (
        "角嘴街道",
        ["角嘴社区", "三角嘴社区", "白鹤社区", "鸳江社区", "红岭社区", "高旺社区"],
        ["角嘴路", "三角嘴路", "白鹤路", "鸳江路", "红岭路", "高旺路"],
    ),
    (
        "东兴街道",
        ["东兴社区", "文澜社区", "环城社区", "大学路社区", "塘源社区", "富民坊社区"],
        ["东兴路", "文澜路", "环城东路", "大学路", "塘源路", "富民三路"],
    ),
]

# District departments: (full name, short name). The first six are the street chief's
# department teams (街长制: 城管、公安、消防、交警、市场监督、环卫); their short names are exactly
# the department names of the case catalogue (meihao/cases/data/case-classes.csv), which
# routing matches on.
DEPARTMENTS = [
    ("万秀区城市管理局", "城管"),
    ("梧州市公安局万秀分局", "公安"),
    ("万秀区消防救援大队", "消防"),
    ("梧州市公安局交通警察支队万秀大队", "交警"),
    ("万秀区市场监督管理局", "市场监督"),
    ("万秀区环境卫生管理站", "环卫"),
    ("万秀区民政局", "民政"),
    ("万秀区人力资源和社会保障局", "人社"),
    ("万秀区卫生健康局", "卫健"),
    ("万秀区司法局", "司法"),
]
STREET_CHIEF_DEPARTMENTS = 6
# Short names used by earlier versions of the demo: seeding an existing database renames them
# (the organisation's short name and its street teams, "城东街道市监队").
FORMER_SHORT_NAMES = {"市场监督": "市监"}

# Units that register with communities (双报到) and staff the responsibility teams.
UNITS = [
    "中共万秀区委办公室",
    "万秀区人民政府办公室",
    "中共万秀区委组织部",
    "中共万秀区委宣传部",
    "中共万秀区委统战部",
    "中共万秀区委政法委员会",
    "万秀区纪委监委",
    "万秀区发展和改革局",
    "万秀区教育局",
    "万秀区科学技术局",
    "万秀区工业和信息化局",
    "万秀区财政局",
    "万秀区自然资源局",
    "万秀区住房和城乡建设局",
    "万秀区交通运输局",
    "万秀区水利局",
    "万秀区农业农村局",
    "万秀区商务局",
    "万秀区文化广电体育和旅游局",
    "万秀区退役军人事务局",
    "万秀区应急管理局",
    "万秀区审计局",
    "万秀区统计局",
    "万秀区医疗保障局",
    "万秀区行政审批局",
    "万秀区信访局",
    "万秀区总工会",
    "共青团万秀区委",
    "万秀区妇女联合会",
    "万秀区残疾人联合会",
    "万秀区红十字会",
    "万秀区融媒体中心",
]

# Social organisations that provide home-based elderly care (云家庭 医养娱教).
CARE_ORGANISATIONS = [
    "万秀区颐康居家养老服务中心",
    "梧州市乐龄社会工作服务中心",
    "万秀区夕阳红助老服务社",
    "梧州市仁爱护理服务有限公司",
]

SHOP_KINDS = [
    "米粉店",
    "凉茶铺",
    "便利店",
    "超市",
    "药店",
    "理发店",
    "茶楼",
    "五金店",
    "水果店",
    "早餐店",
    "龟苓膏店",
    "纸包鸡店",
    "干洗店",
    "眼镜店",
    "照相馆",
]
SHOP_PREFIXES = ["老", "好", "万家", "骑楼", "鸳江", "西江", "桂江", "福寿", "和顺", "兴旺"]

# Venues of every community: (name suffix, Venue.Kind value).
COMMUNITY_VENUES = [
    ("党群服务中心", "party"),
    ("新时代文明实践站", "service_centre"),
    ("文体活动室", "activity_room"),
]
# One more per community, in turn; a counselling room (心灵驿站) only in the street of the
# counselling pilot (the first: its two rooms are the article's), a reading room elsewhere.
EXTRA_VENUES = [
    ("心灵驿站", "counselling"),
    ("农家书屋", "library"),
    ("文化广场", "square"),
    ("健身苑", "sports"),
]
OUTSIDE_THE_COUNSELLING_PILOT = ("农家书屋", "library")

RESPONSIBILITY_TEAMS = ["城东片区", "城南片区", "城北片区", "角嘴片区", "东兴片区"]

SERVICE_SQUADS = [
    "左邻右里老友记·助餐小分队",
    "左邻右里老友记·助洁小分队",
    "左邻右里老友记·助医小分队",
    "左邻右里老友记·助行小分队",
    "左邻右里老友记·陪聊小分队",
    "左邻右里老友记·代办小分队",
]

LECTURE_TOPICS = [
    "法治",
    "健康养生",
    "防诈骗",
    "垃圾分类",
    "消防安全",
    "家庭教育",
    "红色文化",
    "非遗粤剧",
    "书法",
    "摄影",
    "智能手机使用",
    "心理健康",
    "营养膳食",
    "急救技能",
    "创业就业",
    "医保政策",
    "养老政策",
    "交通安全",
    "食品安全",
    "网络安全",
    "理财知识",
    "中医推拿",
    "太极拳",
    "广场舞",
    "骑楼历史",
    "六堡茶文化",
    "插花艺术",
    "剪纸",
    "亲子阅读",
    "青少年禁毒",
    "普通话",
    "环境保护",
]

# What earlier versions of the demo wrote as a red-armband member's duty, and the duty it is
# (volunteers.models.RedArmbandDuty): seeding an existing database rewrites them.
FORMER_RED_ARMBAND_DUTIES = {
    "治安员": "security",
    "调解员": "mediation",
    "巡查员": "inspection",
    "宣传员": "publicity",
}

COMMUNITY_STAFF_TITLES = ["党委书记", "居委会主任", "副主任", "委员", "专职网格管理员"]
