"""The demo's online petitions (网络问政): a year of petitions, each taken through
petitions.services and the case engine as of the moment it happened (`demo_clock`, see
demo.cases). A resident with a log-in asks, complains, suggests or asks for help about a matter
of their community; a department's topic goes to that department at once, a community topic
waits for the community, which dispatches it to one of its staff, declines it to its proper
channel (信访, litigation, arbitration, reconsideration) or merges it into the same petition sent
a day or two before. Some are sent back by the department as not theirs (退单) and dispatched
again to the right one. The handler replies, mostly within the limit of the petition's kind, a
few late; the community calls the petitioner back and closes it; most petitioners rate the reply
(mostly satisfied, a few not, with a comment: each such 差评 opens its rectification, which the
body rated reports back and the petitioner confirms); about a third of the closed petitions whose
petitioner agreed are published, the question without the petitioner's name and number. The
most recent ones are still open at every stage, a few of them past their deadline.

The demo resident has a petition in each state she meets: waiting for the community, being
handled, replied (awaiting the call-back), closed and rated, and closed and published (not yet
rated: she can try it). The first community shows the rest: each channel of a decline, a merged
duplicate, a petition sent back, an urgent one, ratings of one and two stars, one overdue.

Idempotent: petitions by their case's idempotency key (`petition-demo-<n>`,
`petition-demo-<label>`).
"""

import datetime
import random
from dataclasses import dataclass
from typing import NamedTuple

from meihao.cases import sla
from meihao.cases.models import Case, CaseCategory
from meihao.cases.services import (
    case_dispatch,
    case_rate,
    case_report_back,
    case_return,
    case_verify_close,
)
from meihao.core.roles import Role
from meihao.demo.accounts import RESERVED_PHONE_PREFIX
from meihao.demo.history import History, Timeline, filed_while_awake, while_awake
from meihao.demo.plan import history_scale
from meihao.demo.residents import Resident
from meihao.people.models import Organisation, RoleAssignment, Team, User
from meihao.petitions import services as petitions
from meihao.petitions.models import PETITION_CODE, Channel, Kind
from meihao.ratings.models import Rectification

KEY_PREFIX = "petition-demo-"
# Who sends petitions: residents, whatever else they do for their community unpaid.
CITIZEN_ROLES = (Role.RESIDENT, Role.VOLUNTEER, Role.PARTY_MEMBER)
PETITIONS_PER_SCALE = 300
DAYS = 365


class Matter(NamedTuple):
    """What a petition is about, in the petitioner's words and in the reply. `{road}`, `{n}` (a
    door number) and `{community}` are the petitioner's community's. `moved`: the department
    that a petition of this matter is sent back by says whose it is (short name, its reason); its
    reply is then the right department's."""

    kind: str
    title: str
    body: str
    reply: str
    moved: tuple[str, str] | None = None
    # Whether a petitioner may mark it urgent (answered the same working day).
    pressing: bool = False


C, Q, S, H = Kind.COMPLAINT, Kind.CONSULT, Kind.SUGGESTION, Kind.HELP
# By topic (the PETITION type's minor classes): (weight, matters). The old town's street order,
# refuse and property management are what residents write about most; then benefits and jobs.
TOPICS: dict[str, tuple[int, list[Matter]]] = {
    "0101": (5, [
        Matter(C, "{road}傍晚占道经营严重",
               "{road}{n}号附近每天傍晚六点以后有十几个流动摊贩在人行道上摆卖水果、烧烤，占去大半"
               "个人行道，行人只能走到机动车道上，很不安全；收摊后地面的油污和垃圾也没人清理。希望"
               "城管部门加强管理。",
               "您好！经核查，{road}{n}号附近傍晚确有流动摊贩占道经营。区城市管理局已安排执法中队"
               "在17时至21时加强巡查，对占道摊贩进行劝导，引导其到附近临时疏导点经营，并督促收摊"
               "后清理地面。我们将持续跟踪。感谢您的监督。"),
        Matter(C, "骑楼下商铺店外经营堵通道",
               "{road}骑楼底下有几家商铺长期把货物、货架摆到骑楼通道上，只留一条窄缝，轮椅和婴儿车"
               "都过不去，外地游客也经常被挡住。希望有关部门处理。",
               "您好！经核查，{road}骑楼段确有商铺超出门店经营。执法人员已对涉事商铺进行教育并责令"
               "当场整改，骑楼通道已恢复畅通，该路段已纳入重点巡查。感谢您的监督。"),
        Matter(C, "{road}路灯不亮",
               "{road}{n}号至路口一段有五六盏路灯坏了半个多月，晚上一片漆黑，老人散步和学生下晚自习"
               "回家都很不安全，请尽快维修。",
               "您好！经核查，{road}该路段共有6盏路灯因线路老化不亮。区城市管理局已安排路灯维修班组"
               "更换线路和灯具，目前已全部恢复照明。感谢您的监督。"),
        Matter(S, "建议在{road}设早市疏导点",
               "{road}菜市场门口每天早上自发形成早市，占道严重，但居民买菜确实方便。建议在附近空地"
               "划定临时摆卖点，定时定点经营，既方便群众又不影响交通。",
               "您好！感谢您的建议。区城市管理局已会同街道对{road}周边场地进行踏勘，拟在菜市场东侧"
               "空地设置早市临时疏导点（6时至9时），规划完成后将向社会公布。感谢您对城市管理工作的"
               "关心。"),
        Matter(Q, "更换店铺招牌需要审批吗",
               "我在{road}开了一家糖水店，想把门头招牌换成灯箱，请问需要到哪里办理审批，要准备哪些"
               "材料？",
               "您好！设置户外招牌需向区城市管理局申请户外广告设施设置许可，可在政务服务网或到区政务"
               "服务中心城管窗口办理，需提交营业执照、招牌效果图和房屋产权或租赁证明；骑楼街区的招牌"
               "还须符合骑楼城风貌管控要求。感谢您的咨询。"),
    ]),
    "0102": (2, [
        Matter(C, "楼顶违规加建铁皮房",
               "{road}{n}号楼顶有住户正在搭建铁皮房，已经搭起两间，担心加重楼体负担，下雨天还往顶楼"
               "住户家里渗水，请尽快查处。",
               "您好！经核查，{road}{n}号楼顶确有住户未经审批搭建铁皮房。区城市管理局已依法下达责令"
               "限期拆除通知书，当事人已在期限内自行拆除。感谢您的监督。"),
        Matter(C, "工地夜间施工噪音扰民",
               "{road}附近的工地每晚十一点以后还在施工，打桩和运渣车的声音很大，老人小孩都休息不好，"
               "请督促按规定时间施工。",
               "您好！经核查，该工地存在夜间超时施工的情况。执法人员已约谈施工单位，责令其严格遵守"
               "22时至次日6时禁止噪声施工的规定，确需连续作业的须办理夜间施工许可并公示。我们将在"
               "夜间加强抽查。感谢您的监督。"),
        Matter(Q, "阳台封窗是否属于违建",
               "我家住{road}{n}号五楼，想把阳台用铝合金窗封起来，请问这样算不算违法建设，需要报批吗？",
               "您好！在不改变房屋结构、不超出原阳台范围的前提下封闭阳台，一般不属于违法建设，但应"
               "遵守小区管理规约并告知物业；骑楼历史街区内的房屋还须符合风貌保护要求。感谢您的咨询。"),
    ]),
    "0103": (5, [
        Matter(C, "{road}垃圾清运不及时",
               "{road}{n}号旁边的垃圾收集点这几天都没有清运，垃圾桶满了堆到路边，天气热味道很大，"
               "还招苍蝇老鼠，请尽快清运。",
               "您好！经核查，因清运车辆检修，{road}收集点清运出现延误。区环境卫生管理站已安排车辆"
               "当天清运完毕并对收集点冲洗消杀，今后该点每日早晚各清运一次。感谢您的监督。"),
        Matter(C, "垃圾车凌晨作业噪音大",
               "每天凌晨五点左右垃圾压缩车在{road}{n}号楼下作业，压缩和倒桶的声音很大，整栋楼的人"
               "都被吵醒，能否调整作业时间？",
               "您好！经核查，该路段垃圾清运原安排在5时至6时。区环境卫生管理站已调整收运线路，将"
               "{road}段作业时间推迟到6时30分以后，并要求作业人员轻拿轻放。感谢您的监督。"),
        Matter(C, "路边建筑垃圾堆放多日",
               "{road}{n}号附近有人把装修拆下来的砖块、木料堆在路边，已经一个多星期了，占了半条车道，"
               "晚上很容易撞上。",
               "您好！经核查，该处为装修产生的建筑垃圾违规倾倒。区城市管理局已责令产生单位清运，现场"
               "已清理完毕，并对违规倾倒行为依法处理。感谢您的监督。",
               moved=("城管", "反映的是装修建筑垃圾违规倾倒，属城管执法范围，不属本站职责，"
                              "请改派。")),
        Matter(S, "建议{community}增设分类垃圾桶",
               "{community}目前只有几个混装垃圾桶，很多居民想分类也没地方投放。建议增设分类垃圾桶，"
               "并在投放高峰时段安排志愿者指导。",
               "您好！感谢您的建议。区环境卫生管理站已将{community}列入今年生活垃圾分类设施补点计划，"
               "将增设4组分类投放点，社区将组织志愿者开展桶边督导。感谢您的关心和支持。"),
        Matter(H, "旧家具大件垃圾如何清运",
               "家里有旧沙发和床垫要丢，家中只有两位老人，搬不动，请问环卫部门能不能上门清运，怎么"
               "预约？",
               "您好！大件垃圾可拨打区环境卫生管理站服务电话预约上门清运，每周二、周五集中收运。工作"
               "人员已与您电话联系，约定本周五上门清运。感谢您的来信。"),
    ]),
    "0201": (2, [
        Matter(C, "{road}人行道车辆乱停",
               "{road}{n}号一带的人行道上每天都停满小汽车，行人只能走机动车道，学生上学很危险，请"
               "有关部门管理。",
               "您好！经核查，{road}该路段人行道违法停车问题属实。区城市管理局已在早晚高峰加强巡查，"
               "对人行道违停车辆依法处罚，并协调在路口增设隔离桩。感谢您的监督。",
               moved=("城管", "人行道上的违法停车由城管部门依法查处，不属本大队职责，请改派。")),
        Matter(S, "建议{road}小学门口设减速带",
               "{road}小学门口上下学时段车多车速快，孩子过马路很危险。建议设置减速带和人行横道，高峰"
               "时段安排交警或志愿者疏导。",
               "您好！感谢您的建议。交警万秀大队已到现场勘查，将在{road}小学门口前后各50米施划人行"
               "横道和减速标线、增设减速带，并在上下学高峰安排警力和护学岗疏导。感谢您对交通安全的"
               "关心。"),
        Matter(C, "{road}路口行人绿灯太短",
               "{road}十字路口的行人绿灯只有十几秒，老人还没走到一半就变红灯了，建议延长行人通行"
               "时间。",
               "您好！经核查，该路口行人绿灯时长为15秒。交警万秀大队已重新优化信号配时，将行人绿灯"
               "延长至25秒，并增设行人过街倒计时。感谢您的监督。"),
        Matter(Q, "电动自行车上牌要什么材料",
               "我刚买了一辆新国标电动自行车，请问到哪里上牌，需要带哪些材料，要多长时间？",
               "您好！新购电动自行车可到交警万秀大队车管服务站或指定的销售网点登记上牌，需携带本人"
               "身份证、购车发票和车辆合格证，材料齐全的当场办结。感谢您的咨询。"),
    ]),
    "0202": (3, [
        Matter(C, "楼下烧烤店深夜噪音扰民",
               "{road}{n}号楼下的烧烤店每天营业到凌晨两三点，喝酒划拳的声音很大，楼上住户根本无法"
               "休息，多次报警也只是安静一会儿。",
               "您好！经核查，该烧烤店夜间经营噪音扰民问题属实。辖区派出所已对经营者批评教育并依法"
               "警告，责令其23时后停止户外经营，并将加强夜间巡逻。感谢您的监督。"),
        Matter(C, "广场舞音响声音太大",
               "{community}广场每晚七点到十点跳广场舞，音响开得很大，附近住户的孩子没法写作业，协商"
               "过几次都没有效果。",
               "您好！经核查，辖区派出所已会同社区约谈广场舞队负责人，约定音量控制在规定范围内、活动"
               "在21时前结束，并为其配备限音设备。社区将持续跟进。感谢您的监督。"),
        Matter(C, "小区电动车频繁被盗",
               "最近一个月{road}{n}号附近的小区已经丢了四五辆电动车，小区监控是坏的，居民都很担心，"
               "请加强巡逻。",
               "您好！辖区派出所已对近期电动车被盗案件立案侦查，抓获嫌疑人一名，追回被盗车辆3辆，"
               "并督促物业修复监控，夜间增派巡逻力量。感谢您的支持。"),
        Matter(Q, "办理居住证需要什么材料",
               "我从外地来梧州工作半年了，租住在{road}，请问办理居住证需要什么材料，去哪里办？",
               "您好！在本市居住满半年的，可持本人身份证、居住证明（租赁合同或社区出具的居住证明）和"
               "近期照片，到辖区派出所户籍窗口申领居住证；居住证明也可在网上办事大厅申请。感谢您的"
               "咨询。"),
    ]),
    "0203": (2, [
        Matter(C, "楼道内电动车飞线充电",
               "{road}{n}号有几户人家把电动车推进楼道充电，电线从三楼窗户拉下来，晚上也在充，火灾"
               "隐患很大，请尽快处理。",
               "您好！经核查，该楼确有电动车在楼道停放充电、私拉电线的现象。消防救援大队已会同社区"
               "上门检查，当场清理楼道内的电动车和飞线，并督促物业在楼下设置集中充电点。感谢您的"
               "监督。",
               pressing=True),
        Matter(C, "楼道堆放杂物堵塞通道",
               "{road}{n}号的楼梯间堆满了纸箱和旧家具，有的地方只能侧身通过，一旦发生火灾根本跑不"
               "出去。",
               "您好！经核查，该楼楼梯间堆放杂物问题属实。消防救援大队已联合社区开展清理，共清出杂物"
               "约两车，并向住户发放消防安全提示。感谢您的监督。"),
        Matter(Q, "小商铺需要配几个灭火器",
               "我在{road}开了一间二十多平方米的五金店，请问需要配备几个灭火器，什么型号合适？",
               "您好！面积较小的沿街商铺应至少配备2具2公斤以上的ABC干粉灭火器，放在便于取用的位置"
               "并定期检查压力。消防救援大队可免费上门指导。感谢您的咨询。"),
    ]),
    "0301": (2, [
        Matter(C, "{road}一家粉店后厨卫生差",
               "在{road}一家米粉店吃早餐，看到后厨地面脏乱，碗筷没有消毒就直接使用，吃完后肚子不"
               "舒服，请监管部门检查。",
               "您好！经核查，该店存在后厨环境卫生不达标、餐具消毒记录不全等问题。区市场监督管理局"
               "已责令立即整改并依法予以警告，复查时已整改到位。感谢您的监督。"),
        Matter(Q, "在家做龟苓膏出售要办证吗",
               "我想在家里做龟苓膏和凉茶，拿到{road}摆摊卖，请问需要办什么证？",
               "您好！从事食品小作坊、食品摊贩经营的，应按《广西壮族自治区食品小作坊小餐饮和食品"
               "摊贩管理条例》办理登记或备案，可到区市场监督管理局或区政务服务中心办理。感谢您的"
               "咨询。"),
        Matter(C, "学校周边小卖部卖三无零食",
               "{road}小学附近的小卖部在卖没有标签的辣条和饮料，很多学生在买，请检查。",
               "您好！经核查，该店销售的部分食品标签不全。区市场监督管理局已下架并没收相关商品，依法"
               "立案查处，并将加强校园周边食品安全检查。感谢您的监督。"),
    ]),
    "0302": (2, [
        Matter(C, "健身房突然关门无法退费",
               "我在{road}一家健身房办了年卡，交了三千多元，才用了两个月门店就关门了，老板联系不上，"
               "请帮助追回预付款。",
               "您好！经核查，该健身房因经营困难停业。区市场监督管理局已约谈经营者，督促其制定退费"
               "方案，受影响会员已登记并分批退费；对拒不退费的，将依法处理并引导通过司法途径解决。"
               "感谢您的监督。"),
        Matter(C, "超市价签与结算价格不符",
               "在{road}一家超市买东西，货架上标价9.9元，结账时却按12.8元收，已经不是第一次了。",
               "您好！经核查，该超市存在部分商品价签未及时更新的问题。区市场监督管理局已责令其全面"
               "核对价签，依法立案调查，多收的款项已退还。感谢您的监督。"),
        Matter(Q, "网购商品质量问题怎么投诉",
               "在网上买的电饭煲用了一周就坏了，商家不肯退换，请问可以向哪里投诉？",
               "您好！网购商品质量纠纷可先与平台协商，协商不成的，可拨打12315或登录全国12315平台"
               "投诉，由经营者所在地市场监管部门处理。感谢您的咨询。"),
    ]),
    "0401": (3, [
        Matter(Q, "低保申请条件咨询",
               "我家三口人，丈夫去年因病去世，我在超市打零工，每月收入一千多元，孩子在读初中。请问"
               "我家符合申请低保的条件吗？需要准备什么材料？",
               "您好！家庭月人均收入低于本市城市低保标准、家庭财产符合规定的，可向户籍所在地街道申请"
               "低保，也可在网上办事大厅在线申请“最低生活保障申请”，需提供家庭成员身份证、户口簿和"
               "收入情况等材料。社区已与您联系，将协助您办理。感谢您的咨询。"),
        Matter(H, "重度残疾父亲生活困难求助",
               "我父亲重度残疾，常年卧床，母亲年迈多病，家里没有固定收入，医药费负担很重。请问可以"
               "申请哪些救助？",
               "您好！区民政局已会同街道、社区上门了解情况。您家可申请临时救助，您父亲可申领重度残疾"
               "人护理补贴；社区已协助提交申请，并将您家纳入低收入人口动态监测。感谢您的来信。",
               pressing=True),
        Matter(Q, "低保金每月什么时候发放",
               "我家上个月批了低保，请问低保金每月几号发放，发到哪张卡上？",
               "您好！低保金每月10日前通过社会保障卡或“一卡通”账户发放，首次发放时间以审批次月为准。"
               "如未按时到账，可联系街道社会救助窗口查询。感谢您的咨询。"),
        Matter(C, "临时救助申请一个月没消息",
               "上个月家里失火，向街道申请了临时救助，到现在一个多月了还没有消息，请帮忙问问。",
               "您好！经核查，您的临时救助申请已审批通过，因补充材料延误了发放，救助金已于近日发放到"
               "账。街道已就办理延误向您致歉。感谢您的监督。"),
    ]),
    "0402": (2, [
        Matter(Q, "高龄津贴怎么申请",
               "我母亲今年满80岁，户籍在{community}，请问高龄津贴怎么申请，需要本人到场吗？",
               "您好！年满80周岁的本市户籍老人可申领高龄津贴，由本人或家属携带身份证、户口簿到社区"
               "服务站申请；行动不便的，社区可上门办理。感谢您的咨询。"),
        Matter(S, "建议开设社区长者饭堂",
               "{community}老人多，很多独居老人自己做饭不方便，建议开设长者饭堂，提供平价午餐，有条件"
               "的话送餐上门。",
               "您好！感谢您的建议。区民政局已将{community}列入今年长者饭堂建设点位，将依托社区党群"
               "服务中心开设助餐点，预计年内投入使用。感谢您对养老服务工作的关心。"),
        Matter(H, "独居老人需要上门照料",
               "我邻居是一位83岁的独居阿姨，住在{road}{n}号，子女都在外地，最近摔了一跤行动不便，请问"
               "社区能否安排上门照料？",
               "您好！社区已上门探望老人，为其申请了居家养老上门服务，安排助老员每周三次上门助餐、"
               "助洁，并将其纳入独居老人定期探访名单。感谢您的热心。"),
    ]),
    "0403": (3, [
        Matter(Q, "灵活就业社保补贴咨询",
               "我今年46岁，失业后在{road}摆摊，听说灵活就业人员可以申请社保补贴，请问有什么条件，"
               "到哪里办理？",
               "您好！登记失业的就业困难人员以灵活就业方式就业并缴纳社会保险的，可申请灵活就业社会"
               "保险补贴。请携带身份证、就业失业登记证明和缴费凭证到区人社局就业服务窗口申请。感谢您"
               "的咨询。"),
        Matter(C, "装修公司拖欠工资三个月",
               "我在{road}一家装修公司做工，老板拖欠了三个月工资共一万二千元，多次讨要都说没钱，请"
               "帮忙追讨。",
               "您好！经核查，区人社局劳动保障监察大队已约谈该公司负责人，责令其限期支付拖欠的工资，"
               "目前工资已全部支付到位。感谢您的信任。"),
        Matter(Q, "技能培训补贴什么时候发",
               "我上半年参加了人社局组织的育婴员培训并拿到了证书，听说可以领职业技能培训补贴，请问"
               "什么时候发放？",
               "您好！职业技能培训补贴按季度审核发放，您所在培训班的补贴已完成公示，将于本月内发放"
               "到您的社会保障卡。感谢您的咨询。"),
        Matter(H, "大学毕业生求职需要帮助",
               "孩子今年大学毕业，回梧州找工作两个月了还没找到合适的，请问有没有就业帮扶？",
               "您好！区人社局已将您孩子纳入离校未就业高校毕业生实名帮扶，就业服务专员已与其联系，"
               "推荐了3个岗位，并告知每月招聘会的时间。感谢您的来信。"),
    ]),
    "0404": (3, [
        Matter(Q, "城乡居民医保住院报销比例",
               "我母亲在市里医院住院做手术，花了两万多元，请问城乡居民医保住院报销比例是多少，出院"
               "后去哪里报销？",
               "您好！参加城乡居民医保的，在本市定点医院住院的费用出院时即时结算，无需另行报销；报销"
               "比例按医院等级确定，三级医院政策范围内约为65%。如有疑问，可拨打医保服务热线咨询。"
               "感谢您的咨询。"),
        Matter(C, "社区卫生服务中心排队太久",
               "{community}附近的社区卫生服务中心上午只开一个窗口，老人拿药要排一个多小时，希望"
               "改进。",
               "您好！经核查，该中心上午就诊高峰窗口不足问题属实。区卫生健康局已督促其高峰时段增开"
               "收费取药窗口，并开通预约挂号和慢病长处方服务。感谢您的监督。"),
        Matter(Q, "65岁以上老人免费体检",
               "我父亲今年67岁，请问社区卫生服务中心的老年人免费体检怎么预约，有哪些项目？",
               "您好！65周岁以上常住老人每年可享受一次免费健康体检，含一般体格检查、血常规、肝肾"
               "功能、心电图和B超等项目，可携带身份证到社区卫生服务中心预约。感谢您的咨询。"),
    ]),
    "0501": (2, [
        Matter(H, "工地受伤申请法律援助",
               "我在工地干活时从脚手架上摔下来受伤，老板只给了三千块钱就不管了，我经济困难请不起"
               "律师，请问怎样申请法律援助？",
               "您好！因工伤请求赔偿、经济困难的，可以申请法律援助。区司法局法律援助中心已与您联系，"
               "经初步审查符合条件，已指派律师为您代理。感谢您的来信。"),
        Matter(Q, "租房押金不退怎么办",
               "我租的房子到期退租，房东以墙面有污渍为由扣下全部押金两千元，请问该怎么办？",
               "您好！押金的退还按租赁合同约定处理，房屋正常使用造成的损耗不应扣除押金。可先与房东"
               "协商或申请社区人民调解，协商不成可向法院起诉；也可到社区公共法律服务室免费咨询。"
               "感谢您的咨询。"),
        Matter(Q, "自书遗嘱怎样才有效",
               "我想给子女立一份遗嘱，请问自己手写的遗嘱要注意什么才有效？",
               "您好！自书遗嘱须由本人亲笔书写全文、签名，并注明年、月、日；内容应明确具体。如需"
               "法律帮助，可到社区公共法律服务室免费咨询。感谢您的咨询。"),
    ]),
    "0601": (5, [
        Matter(C, "{road}{n}号电梯频繁故障",
               "我们楼的电梯这个月已经坏了三次，上周还困了人半个多小时，物业每次只是临时修一下。楼里"
               "老人多，上下楼很困难，请督促物业彻底维修。",
               "您好！社区已约谈物业公司，并会同电梯维保单位现场检查，确认是控制主板老化。物业已更换"
               "主板并全面检修，经检验合格后恢复运行。社区将督促物业加强日常维保。感谢您的监督。"),
        Matter(C, "物业费上涨未经业主同意",
               "我们小区物业今年把物业费从每平方米0.8元涨到1.2元，没有召开业主大会，也没有公示，"
               "服务却没有改善，请社区帮忙协调。",
               "您好！社区已约谈物业公司：物业服务收费的调整须经业主大会决定。物业公司已暂停执行新的"
               "收费标准，社区将指导业主委员会依法召开业主大会协商。感谢您的监督。"),
        Matter(H, "楼上漏水多次协调无果",
               "我家住{road}{n}号，楼上卫生间漏水，我家天花板发霉掉皮，跟楼上沟通多次都不愿维修，"
               "请社区帮忙调解。",
               "您好！社区人民调解委员会已组织双方调解，楼上住户同意请专业人员检修防水，并承担您家"
               "天花板的修复费用，双方已签订调解协议。感谢您的信任。"),
        Matter(C, "楼道灯坏了物业不修",
               "{road}{n}号二单元的楼道灯坏了一个多月，晚上上下楼黑漆漆的，已经有老人摔过一次，"
               "跟物业说了几次都没修。",
               "您好！社区已督促物业公司全面检查楼道照明，已更换损坏的声控灯12盏，目前已恢复照明。"
               "感谢您的监督。"),
        Matter(S, "建议小区加装电动车充电桩",
               "小区电动车越来越多，没有充电的地方，很多人拉线充电很危险。建议在小区空地加装电动车"
               "充电桩和充电棚。",
               "您好！感谢您的建议。社区已将电动车充电棚建设列入居民议事会议题，经议事会通过后，"
               "将在小区东侧空地建设可同时为40辆车充电的充电棚。感谢您的关心。"),
    ]),
    "0602": (3, [
        Matter(Q, "社区活动室什么时候开放",
               "请问{community}的活动室什么时候开放，老年人想在里面下棋、唱粤剧需要预约吗？",
               "您好！社区活动室每天8:30至21:00开放，个人使用无需预约；团体活动请提前一天到社区服务"
               "站登记。欢迎您参加。"),
        Matter(S, "建议开设长者智能手机课堂",
               "很多老人不会用智能手机，看病挂号、缴费都要靠子女。建议社区开设智能手机培训班。",
               "您好！感谢您的建议。社区已联合志愿服务队开设“长者智能手机课堂”，每周四下午在社区"
               "党群服务中心授课，欢迎报名。"),
        Matter(H, "独居老人家中水管爆裂",
               "我家老人独自住在{road}{n}号，家里水管爆了，屋里到处是水，老人不知道怎么办，我在外地"
               "赶不回来，请社区帮忙看看。",
               "您好！社区网格员接报后半小时内到达现场，协助关闭总阀，联系维修师傅更换了破裂的水管，"
               "老人情况良好。感谢您的信任。",
               pressing=True),
        Matter(Q, "居住证明在哪里开具",
               "我要给孩子办入学，学校要居住证明，请问在社区开还是在网上办？",
               "您好！居住证明可在网上办事大厅在线申请，社区核实后由派出所出具电子证明，无需跑腿；"
               "也可到社区服务站现场申请。感谢您的咨询。"),
    ]),
    "0603": (2, [
        Matter(C, "邻居养狗不拴绳",
               "{road}{n}号有住户遛狗从不拴绳，狗经常追着小孩跑，上周还把一位老人吓倒了。",
               "您好！社区已会同物业上门劝导犬主文明养犬、出户拴绳，并在小区张贴文明养犬告示；如再"
               "发生类似情况，将通报公安机关依法处理。感谢您的监督。"),
        Matter(S, "建议在{road}增设公共座椅",
               "{road}沿街很长一段没有可以坐下歇脚的地方，老人买菜回来走不动，建议增设一些公共"
               "座椅。",
               "您好！感谢您的建议。社区已将此事提交街道，街道已安排在{road}沿线增设8张公共座椅，"
               "预计下月安装完成。"),
        Matter(Q, "社区议事会怎么参加",
               "看到社区要开议事会讨论充电棚的事，请问普通居民可以参加吗，怎么报名？",
               "您好！社区居民议事会欢迎居民列席，请在会议前一天到社区服务站或联系网格员报名；议事"
               "结果将在社区公告栏和本平台公示。"),
    ]),
}  # fmt: skip
# Matters that are not for online petitions: the community declines them to their channel.
DECLINED: dict[str, tuple[str, Matter]] = {
    Channel.XINFANG: ("0603", Matter(
        C, "旧城改造拆迁补偿问题",
        "2008年{road}旧城改造时我家房屋被拆迁，补偿款至今还有一部分没有结清，多年来一直在向有关"
        "部门反映，希望这次能给个说法。", "")),
    Channel.LITIGATION: ("0601", Matter(
        C, "物业费纠纷已被物业起诉",
        "物业公司以我欠缴物业费为由向法院起诉，法院已经立案，下个月开庭。我认为是物业服务不到位"
        "才没交费，请社区为我主持公道。", "")),
    Channel.ARBITRATION: ("0603", Matter(
        H, "劳动仲裁迟迟没有结果",
        "我和原来工作的公司因为经济补偿发生争议，已经申请劳动仲裁并被受理，希望政府出面让公司先"
        "把钱付给我。", "")),
    Channel.RECONSIDERATION: ("0603", Matter(
        Q, "对罚款决定不服怎么办",
        "我在{road}开的小店因为招牌问题被罚款两千元，我认为处罚太重，能不能通过网络问政撤销这个"
        "处罚？", "")),
}  # fmt: skip

KIND_WEIGHTS = {Kind.COMPLAINT: 40, Kind.CONSULT: 33, Kind.SUGGESTION: 13, Kind.HELP: 14}
# The recent ones of every fate are still open where the clock stops them; "open" ones stop
# short on purpose, so that every stage has some.
FATES = [
    ("closed", 79),
    ("returned", 6),
    ("declined", 3),
    ("merged", 3),
    ("open", 8),
    ("overdue", 1),
]
LOCAL, DEPARTMENT = "local", "department"  # whose topics a fate draws from
# Where an open petition stops: waiting for the community, at its handler, replied.
OPEN_STOPS = ("submitted", "dispatched", "replied")
# How many days back an open petition was sent, at most, by where it stops: the community
# takes up what waits for it within a working day or two.
OPEN_DAYS = {"submitted": 2, "dispatched": 8, "replied": 8}
# An overdue one: an enquiry or a request for help (3 working days) its department has not
# answered for a week or more.
OVERDUE_DAYS = (6, 12)
# A petition that stops at its reply is replied to quickly, so that it has its reply by now.
REPLIED_PACE = 0.3
# The original of a merged petition is a community petition that went its way.
MERGEABLE = ("closed", "dispatched", "replied")
# A duplicate merges into its community's last community petition of the week before; without
# one, a neighbour sends the same matter as another community petition a few hours to three
# days after it.
MERGE_WITHIN = datetime.timedelta(days=7)
ANONYMOUS_SHARE = 0.3
CONSENT_SHARE = 0.6
URGENT_SHARE = 0.4  # of the matters that may be pressing
LATE_SHARE = 0.08
RATE_SHARE = 0.85  # some petitioners never open the petition again
PUBLISH_SHARE = 1 / 3
# Some petitioners open with who they are: the published question leaves that out.
SIGNED_SHARE = 0.4
# Scores (5 非常满意 … 1 非常不满意): mostly satisfied; less so after a late reply.
SCORES = {5: 47, 4: 33, 3: 14, 2: 4, 1: 2}
SCORES_LATE = {5: 15, 4: 30, 3: 30, 2: 15, 1: 10}
COMMENTS = {
    5: ["答复很及时，问题解决了，点赞！", "工作人员很负责，谢谢", "第二天就有人联系我，满意"],
    4: ["问题解决了，就是等得有点久", "答复清楚，希望继续保持", "整体满意"],
    3: ["答复了，效果还要再看看", "处理一般，希望加强后续管理", "过了几天又有反复"],
    2: ["答复都是套话，问题没有根本解决", "拖了很久才处理", "只是临时处理了一下"],
    1: ["反映多次都没解决，很失望", "答复与实际情况不符，问题依旧", "没有人到现场看过"],
}
# Who rates 3 or less says why; the satisfied sometimes say thanks.
COMMENT_SHARE = {5: 0.4, 4: 0.4, 3: 0.7, 2: 1.0, 1: 1.0}
CALL_BACKS = {
    5: "回访：电话回访，居民表示问题已解决，对答复满意。",
    4: "回访：电话回访，居民确认已处理到位。",
    3: "回访：居民表示问题基本解决，希望加强后续管理。",
    2: "回访：居民对处理结果仍有意见，已作解释，将继续跟踪。",
    1: "回访：居民对处理结果不满意，已作解释并告知可继续反映，将继续跟踪。",
}
CALL_BACK_UNRATED = "回访：电话回访，居民表示已知悉答复内容。"
# A 差评's rectification: what the body rated reports, what the petitioner confirms.
RECTIFIED = [
    "已再次到现场核查，针对居民反映的问题重新整改，并当面向居民说明处理情况。",
    "已约谈相关责任人，落实长效管理措施，整改情况已电话告知居民。",
    "已重新研究居民诉求并补充办理，问题已解决，已向居民致歉并说明原因。",
]
RECTIFIED_CONFIRMED = "确认已整改。"


class Scene(NamedTuple):
    """A petition the demo shows whatever the dice: (label, fate, topic — or a decline's
    channel, matter index, days ago it was sent, ...)."""

    label: str
    fate: str
    topic: str
    index: int
    days: float
    score: int | None = None
    urgent: bool = False
    publish: bool = False
    # How fast it is replied to, relative to the usual: the demo resident's replied petition
    # is answered within a day, so that it has its reply whenever the demo is seeded.
    pace: float = 1.0


# The demo resident's petitions.
DEMO_SCENES = [
    Scene("waiting", "submitted", "0601", 3, 0.3),
    Scene("handling", "dispatched", "0103", 0, 1.5),
    Scene("replied", "replied", "0404", 0, 4, pace=0.2),
    Scene("rated", "closed", "0101", 0, 40, score=4),
    Scene("published", "closed", "0403", 0, 75, publish=True),
]
# The first community's showcase of the rest, by other residents.
SHOWCASE = [
    *(
        Scene(f"show-declined-{channel}", "declined", channel, 0, days)
        for channel, days in zip(Channel.values, (20, 55, 95, 140), strict=True)
    ),
    Scene("show-original", "closed", "0601", 0, 20, score=3),
    Scene("show-merged", "merged", "0601", 0, 19.6),
    Scene("show-returned", "returned", "0201", 0, 30, score=4),
    Scene("show-very-dissatisfied", "closed", "0202", 0, 45, score=1),
    Scene("show-dissatisfied", "closed", "0302", 0, 62, score=2),
    Scene("show-urgent", "closed", "0203", 0, 70, score=5, urgent=True),
    Scene("show-help", "closed", "0602", 2, 110, score=5, urgent=True),
    Scene("show-suggestion", "closed", "0103", 3, 100, score=5, publish=True),
    # A consultation nobody replied to: it is overdue whenever the demo is seeded.
    Scene("show-overdue", "dispatched", "0401", 0, 15),
]


@dataclass
class PetitionPlan:
    key: str
    filed_at: datetime.datetime
    community: str
    topic: str
    matter: Matter
    fate: str
    rng: random.Random
    door: int
    anonymous: bool
    consent: bool
    urgent: bool = False
    score: int | None = None  # None: never rated
    publish: bool = False
    channel: str = ""  # where a declined petition goes
    late: bool = False
    original: "PetitionPlan | None" = None  # what a merged petition duplicates
    demo: bool = False
    pace: float = 1.0


class PetitionHistory(History):
    key_prefix = KEY_PREFIX
    office_roles = (Role.STREET_CHIEF, Role.DEPARTMENT_STAFF)

    def __init__(self, **history):
        super().__init__(**history)
        self.topics = {
            c.code: c
            for c in CaseCategory.objects.filter(
                case_type__code=PETITION_CODE, parent__isnull=False, is_active=True
            )
        }
        self.local = {code for code, topic in self.topics.items() if not topic.department}
        self.departments: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.filter(kind=Organisation.Kind.DEPARTMENT).exclude(
            short_name=""
        ):
            self.departments.setdefault(organisation.short_name, []).append(organisation)
        self.teams: dict[int, list[Team]] = {}
        for team in Team.objects.filter(kind=Team.Kind.DEPARTMENT, organisation__isnull=False):
            self.teams.setdefault(team.organisation_id, []).append(team)
        self.officials = set(
            RoleAssignment.objects.exclude(role__in=CITIZEN_ROLES).values_list("user", flat=True)
        )
        self.petitioners: dict[str, list[Resident]] = {}
        self.resident = self.residents.personas.get(Role.RESIDENT)

    def run(self) -> tuple[int, int]:
        if not self.topics:
            return 0, 0
        created, existing = self.load(self.plans(), self._petition)
        if created:
            # Colours and escalations of the clocks now, as the worker's sweep would (as
            # demo.cases does); urging the overdue is the worker's hourly job, from its first run.
            sla.sla_sweep(self.now)
        return created, existing

    # -- planning ------------------------------------------------------------------------------
    def plans(self) -> list[PetitionPlan]:
        rng = random.Random(f"{self.seed}:petitions")
        fates, fate_weights = zip(*FATES, strict=True)
        kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
        communities = [c.code for c in self.plan.communities if self._petitioners(c.code)]
        plans = []
        for index in range(self.count if communities else 0):
            fate = rng.choices(fates, fate_weights)[0]
            kind = rng.choices(kinds, kind_weights)[0]
            where = LOCAL if fate == "merged" else None
            if fate == "open":
                fate = rng.choice(OPEN_STOPS)
                days = rng.uniform(0.2, OPEN_DAYS[fate])
                where = LOCAL if fate == "submitted" else None
            elif fate == "overdue":
                fate, kind, where = "dispatched", rng.choice((Kind.CONSULT, Kind.HELP)), DEPARTMENT
                days = rng.uniform(*OVERDUE_DAYS)
            else:
                days = rng.uniform(1, DAYS)
            channel = ""
            if fate == "declined":
                channel = rng.choice(Channel.values)
                topic, matter = DECLINED[channel]
            else:
                topic, matter = self._draw(rng, kind, where=where, moved=fate == "returned")
            late = fate in ("closed", "returned") and rng.random() < LATE_SHARE
            score = None
            if rng.random() < RATE_SHARE:
                weights = SCORES_LATE if late else SCORES
                score = rng.choices(list(weights), list(weights.values()))[0]
            consent = rng.random() < CONSENT_SHARE
            plans.append(
                PetitionPlan(
                    key=f"{KEY_PREFIX}{index:05d}",
                    filed_at=filed_while_awake(self.now - datetime.timedelta(days=days), rng),
                    community=rng.choice(communities),
                    topic=topic,
                    matter=matter,
                    fate=fate,
                    rng=random.Random(f"{self.seed}:petition:{index}"),
                    door=rng.randint(1, 199),
                    anonymous=rng.random() < ANONYMOUS_SHARE,
                    consent=consent,
                    urgent=matter.pressing and rng.random() < URGENT_SHARE,
                    score=score,
                    publish=consent and rng.random() < PUBLISH_SHARE,
                    channel=channel,
                    late=late,
                    pace=REPLIED_PACE if fate == "replied" else 1.0,
                )
            )
        # The showcase is filed by the first community's residents: none without residents
        # (`seed_demo --residents 0`, as the benchmarks seed the district).
        first = self.plan.communities[0].code
        scenes = [(scene, False) for scene in SHOWCASE] if self._petitioners(first) else []
        if self.resident is not None:
            scenes += [(scene, True) for scene in DEMO_SCENES]
        for scene, demo in scenes:
            rng = random.Random(f"{self.seed}:petition:{scene.label}")
            if scene.fate == "declined":
                topic, matter = DECLINED[scene.topic]
            else:
                topic, matter = scene.topic, TOPICS[scene.topic][1][scene.index]
            plans.append(
                PetitionPlan(
                    key=f"{KEY_PREFIX}{scene.label}",
                    filed_at=filed_while_awake(self.now - datetime.timedelta(days=scene.days), rng),
                    community=first,
                    topic=topic,
                    matter=matter,
                    fate=scene.fate,
                    rng=rng,
                    door=rng.randint(1, 199),
                    anonymous=False,
                    consent=scene.publish or rng.random() < CONSENT_SHARE,
                    urgent=scene.urgent,
                    score=scene.score,
                    publish=scene.publish,
                    channel=scene.topic if scene.fate == "declined" else "",
                    demo=demo,
                    pace=scene.pace,
                )
            )
        self._originals(plans, random.Random(f"{self.seed}:petitions:merged"))
        return sorted(
            (p for p in plans if p.filed_at < self.now and p.topic in self.topics),
            key=lambda p: (p.filed_at, p.key),
        )

    def _draw(self, rng, kind, *, where: str | None, moved: bool) -> tuple[str, Matter]:
        """A matter of `kind` (of any kind if there is none that fits), by its topic's weight;
        `where`: only the community's topics (LOCAL) or only the departments' (DEPARTMENT)."""
        fitting = [
            (topic, matter, weight)
            for topic, (weight, matters) in TOPICS.items()
            if topic in self.topics
            and where in (None, LOCAL if topic in self.local else DEPARTMENT)
            for matter in matters
            if matter.moved or not moved
        ]
        of_kind = [row for row in fitting if row[1].kind == kind] or fitting
        topic, matter, _weight = rng.choices(of_kind, [row[2] for row in of_kind])[0]
        return topic, matter

    def _originals(self, plans: list[PetitionPlan], rng: random.Random) -> None:
        """Give each merged petition the one it duplicates: same community, same matter."""
        ordered = sorted(plans, key=lambda p: (p.filed_at, p.key))
        candidates = [
            p
            for p in ordered
            if p.fate in MERGEABLE and p.topic in self.local and p.topic in self.topics
        ]
        for plan in (p for p in ordered if p.fate == "merged"):
            recent = [
                p
                for p in candidates
                if p.community == plan.community
                and plan.filed_at - MERGE_WITHIN < p.filed_at < plan.filed_at
            ]
            if recent:
                original = recent[-1]
            elif candidates:
                original = rng.choice(candidates)
                plan.community = original.community
                plan.filed_at = original.filed_at + datetime.timedelta(hours=rng.uniform(3, 72))
            else:
                plan.fate = "closed"
                continue
            plan.original = original
            plan.topic, plan.matter, plan.door = original.topic, original.matter, original.door

    # -- one petition --------------------------------------------------------------------------
    def _official(self, community_code: str, path: str, rng) -> User | None:
        """Who dispatches, calls back and publishes for the community: its staff (the demo
        log-in most often in hers), else the street chief."""
        if self.residents.staff.get(community_code):
            return self.user(self.residents.organiser(community_code, rng).user_id)
        return self.street_chief(path, rng)

    def _department(self, short_name: str, path: str) -> tuple[Organisation | None, Team | None]:
        """The department of that short name serving the place, and its team there, the closest
        first (a street's squad before the district's)."""

        def closest(rows):
            serving = [r for r in rows if path.startswith(r.place_path)]
            return max(serving, key=lambda r: (len(r.place_path), -r.pk)) if serving else None

        organisation = closest(self.departments.get(short_name, ()))
        if organisation is None:
            return None, None
        return organisation, closest(self.teams.get(organisation.pk, ()))

    def _petitioners(self, community_code: str) -> list[Resident]:
        """Residents with a log-in who hold no office and are none of the demo log-ins: staff
        would find themselves dispatching their own petitions, and the demo log-ins have
        exactly the petitions the guide says."""
        if community_code not in self.petitioners:
            self.petitioners[community_code] = [
                r
                for r in self.residents.with_login(community_code)
                if r.user_id not in self.officials and not r.phone.startswith(RESERVED_PHONE_PREFIX)
            ]
        return self.petitioners[community_code]

    def _petitioner(self, plan: PetitionPlan) -> Resident:
        if plan.demo:
            return self.resident
        people = self._petitioners(plan.community)
        return people[plan.rng.randrange(len(people))]

    def _petition(self, plan: PetitionPlan) -> bool:
        rng = plan.rng
        petitioner = self._petitioner(plan)
        user = self.user(petitioner.user_id)
        community = self.plan.place(plan.community)
        details = {"road": community.road, "n": plan.door, "community": community.name}
        text = plan.matter.body.format(**details)
        body = text
        if petitioner.phone and rng.random() < SIGNED_SHARE:
            body = f"我是{community.name}居民{petitioner.name}，电话{petitioner.phone}。{text}"
        petition = self.file(
            plan.filed_at,
            petitions.petition_file,
            actor=user,
            kind=plan.matter.kind,
            topic=plan.topic,
            title=plan.matter.title.format(**details),
            body=body,
            anonymous=plan.anonymous,
            publish_consent=plan.consent,
            urgent=plan.urgent,
            idempotency_key=plan.key,
        )
        if petition is None:
            return False
        if plan.fate == "submitted":
            return True
        path = petition.case.place_path
        # The petition's own pace is that of its reply (below), not of the steps around it.
        timeline = Timeline(plan.filed_at, rng)

        def case():
            return Case.objects.get(pk=petition.case_id)

        def step(actor, service, **kwargs):
            if actor is None:
                return None
            return self.at(timeline.moment, service, actor=actor, case=case(), **kwargs)

        if plan.topic in self.local:
            dispatcher = self._official(plan.community, path, rng)
            timeline.later(0.5, 20)
            if plan.fate == "declined":
                step(dispatcher, petitions.petition_decline, channel=plan.channel)
                return True
            original = (
                plan.original
                and Case.objects.filter(idempotency_key=plan.original.key)
                .values_list("number", flat=True)
                .first()
            )
            if original:
                step(dispatcher, petitions.petition_merge, original_number=original)
                return True
            handler = self._official(plan.community, path, rng)
            if not step(dispatcher, case_dispatch, user=handler):
                return True
        else:
            handler = self.department_staff(petition.case.assigned_organisation_id, rng)
            if plan.fate == "returned":
                short_name, reason = plan.matter.moved
                timeline.later(2, 30)
                if not step(handler, case_return, reason=reason):
                    return True
                timeline.later(1, 24)
                organisation, team = self._department(short_name, path)
                if organisation is None:
                    return True
                redispatched = step(
                    self.street_chief(path, rng),
                    case_dispatch,
                    organisation=organisation,
                    team=team,
                )
                if not redispatched:
                    return True
                handler = self.department_staff(organisation.pk, rng)
        if plan.fate == "dispatched":
            return True
        # Most handlers reply well within the limit of the petition's kind; a few are late.
        due = case().resolve_by
        if plan.late:
            timeline.moment = due + datetime.timedelta(hours=rng.uniform(2, 72))
        elif due > timeline.moment:
            span = due - timeline.moment
            reply_at = timeline.moment + span * rng.triangular(0.1, 0.95, 0.5) * plan.pace
            awake = while_awake(reply_at, rng)
            timeline.moment = awake if awake < due else reply_at
        reply = plan.matter.reply.format(**details)
        if not step(handler, case_report_back, note=reply):
            return True
        if plan.fate == "replied":
            return True
        timeline.later(3, 72)
        call_back = CALL_BACKS[plan.score] if plan.score else CALL_BACK_UNRATED
        if not step(self._official(plan.community, path, rng), case_verify_close, note=call_back):
            return True
        if plan.score:
            timeline.later(0.3, 48)
            comment = ""
            if rng.random() < COMMENT_SHARE[plan.score]:
                comment = rng.choice(COMMENTS[plan.score])
            rating = self.at(
                timeline.moment,
                case_rate,
                case=case(),
                actor=user,
                score=plan.score,
                comment=comment,
            )
            if rating is not None:
                self._rectification(rating, timeline.moment, rng)
        if plan.publish:
            timeline.later(24, 120)
            step(
                self._official(plan.community, path, rng),
                petitions.petition_publish,
                question=text,
                answer=reply,
            )
        return True

    def _rectification(self, rating, moment: datetime.datetime, rng) -> None:
        """A 差评 opened a rectification for the body rated (meihao.ratings), in the platform's
        name: the body reports the fix back within its working days and the petitioner
        confirms it, as far as the clock allows."""
        rectification = Rectification.objects.filter(rating=rating).first()
        if rectification is None:
            return
        Case.objects.filter(pk=rectification.case_id).update(is_demo=True)
        case = Case.objects.get(pk=rectification.case_id)
        if case.assigned_organisation_id is not None:
            handler = self.department_staff(case.assigned_organisation_id, rng)
        elif case.assigned_user_id is not None:
            handler = self.user(case.assigned_user_id)
        else:
            return
        timeline = Timeline(moment, rng)
        timeline.later(20, 96)
        if handler is None or not self.at(
            timeline.moment, case_report_back, case=case, actor=handler, note=rng.choice(RECTIFIED)
        ):
            return
        timeline.later(2, 72)
        self.at(
            timeline.moment,
            case_verify_close,
            case=Case.objects.get(pk=case.pk),
            actor=rating.rater,
            note=RECTIFIED_CONFIRMED,
        )


def petitions_for_scale(scale: float) -> int:
    return round(PETITIONS_PER_SCALE * history_scale(scale))
