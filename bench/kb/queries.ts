/**
 * The labelled queries of the KB benchmark, written with the corpus design (topics.ts),
 * never from a search engine's answers: each names the topic it asks about, and the
 * territory when the caller names one. The relevant articles are the corpus articles of
 * that topic (in that territory); `uncovered` queries ask what no article answers.
 *
 * Typos are homophones as a pinyin input method produces them (公基金 for 公积金).
 */
export const QUERY_KINDS = [
  'formal',
  'colloquial',
  'abbreviation',
  'typo',
  'mixed-script',
  'full-width',
  'long',
  'uncovered',
] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface LabelledQuery {
  kind: QueryKind;
  text: string;
  /** The topic id that answers it; null for uncovered. */
  topic: string | null;
  /** Territory code when the caller names one: only that territory's articles answer. */
  territory?: string;
}

/** One covered query: its text, the topic it is about, and the town when it names one. */
export type Row = [text: string, topic: string, territory?: string];

const FORMAL: Row[] = [
  ['社会保障卡挂失补办', 'si-card-reissue'],
  ['东城街道社会保障卡补办', 'si-card-reissue', 'DC'],
  ['社会保障卡密码重置', 'si-card-activate'],
  ['养老保险关系跨省转移', 'si-transfer'],
  ['退休申报养老金领取条件', 'si-pension-claim'],
  ['失业保险金申领', 'si-unemployment'],
  ['工伤认定申请时限', 'si-work-injury'],
  ['住房公积金租房提取', 'hf-withdraw-rent'],
  ['住房公积金购房提取', 'hf-withdraw-buy'],
  ['长安镇住房公积金贷款申请', 'hf-loan', 'CA'],
  ['住房公积金补缴', 'hf-deposit-query'],
  ['居住证申领条件', 'hr-residence-permit'],
  ['居住证签注', 'hr-permit-renew'],
  ['户口迁入申请', 'hr-hukou-move'],
  ['居民身份证补领', 'hr-id-card'],
  ['交通违法处理', 'traffic-violation'],
  ['公交线路调整', 'traffic-bus'],
  ['个人所得税年度汇算', 'tax-individual'],
  ['小学一年级入学申请', 'edu-primary-place'],
  ['虎门镇初中招生', 'edu-junior-high', 'HM'],
  ['医疗保险异地就医备案', 'mi-remote-care'],
  ['城乡居民医保参保缴费', 'mi-resident-enrol'],
  ['夜间施工噪音投诉', 'noise-night-construction'],
  ['劳动争议仲裁申请', 'wage-labour-arbitration'],
  ['营业执照变更登记', 'bl-change'],
  ['企业简易注销', 'bl-cancel'],
  ['食品安全问题举报', 'consumer-food-safety'],
  ['企业稳岗补贴申报', 'enterprise-subsidy'],
];

const COLLOQUIAL: Row[] = [
  ['社保卡丢了咋办', 'si-card-reissue'],
  ['社保卡密码忘了', 'si-card-activate'],
  ['换了城市上班社保怎么转过来', 'si-transfer'],
  ['到年纪了退休金怎么领', 'si-pension-claim'],
  ['被裁员了能领失业金吗', 'si-unemployment'],
  ['上班受伤了算不算工伤', 'si-work-injury'],
  ['租房子能把公积金取出来吗', 'hf-withdraw-rent'],
  ['买房了公积金能取吗', 'hf-withdraw-buy'],
  ['公司没给我交公积金', 'hf-deposit-query'],
  ['外地人怎么办居住证', 'hr-residence-permit'],
  ['身份证丢了怎么补', 'hr-id-card'],
  ['收到违章短信要去哪交罚款', 'traffic-violation'],
  ['个税怎么退钱', 'tax-individual'],
  ['孩子明年上小学要准备什么', 'edu-primary-place'],
  ['在外地看病怎么用医保', 'mi-remote-care'],
  ['住院的钱能报多少', 'mi-reimburse'],
  ['半夜工地还在施工吵死了', 'noise-night-construction'],
  ['楼下跳广场舞太吵了', 'noise-square-dance'],
  ['隔壁店铺天天用喇叭喊', 'noise-shop-speaker'],
  ['楼下餐馆油烟熏得受不了', 'env-smoke'],
  ['路上有个大坑差点摔了', 'road-pothole'],
  ['我们这条街路灯坏了好几天', 'road-streetlight'],
  ['井盖不见了很危险', 'road-manhole'],
  ['老板拖了三个月工资不发', 'wage-arrears-complaint'],
  ['网上买的东西商家不给退钱', 'consumer-refund'],
  ['办的健身会员卡店关门了', 'consumer-prepaid'],
  ['小区电梯又坏了', 'property-elevator'],
  ['家里突然没水了', 'util-water-outage'],
  ['厨房有煤气味', 'util-gas'],
];

const ABBREVIATION: Row[] = [
  ['社保卡补办', 'si-card-reissue'],
  ['社保卡激活', 'si-card-activate'],
  ['社保转移', 'si-transfer'],
  ['公积金租房提取', 'hf-withdraw-rent'],
  ['公积金买房提取', 'hf-withdraw-buy'],
  ['公积金贷款额度', 'hf-loan'],
  ['公积金余额查询', 'hf-deposit-query'],
  ['南城公积金补缴', 'hf-deposit-query', 'NC'],
  ['ETC办理', 'traffic-etc'],
  ['ETC注销', 'traffic-etc'],
  ['个税汇算', 'tax-individual'],
  ['个税专项附加扣除', 'tax-individual'],
  ['医保异地备案', 'mi-remote-care'],
  ['医保报销', 'mi-reimburse'],
  ['居民医保缴费', 'mi-resident-enrol'],
  ['小升初', 'edu-junior-high'],
  ['小一入学', 'edu-primary-place'],
  ['欠薪投诉', 'wage-arrears-complaint'],
  ['劳动仲裁', 'wage-labour-arbitration'],
  ['个体户执照', 'bl-register'],
  ['执照注销', 'bl-cancel'],
  ['物管收费', 'property-fee'],
  ['业委会', 'property-fee'],
  ['稳岗返还', 'enterprise-subsidy'],
  ['人才房', 'talent-housing'],
  ['松山湖人才补贴', 'talent-housing', 'SSH'],
];

const TYPO: Row[] = [
  ['公基金租房提取', 'hf-withdraw-rent'],
  ['公基金贷款', 'hf-loan'],
  ['社宝卡补办', 'si-card-reissue'],
  ['社宝卡密码', 'si-card-activate'],
  ['医宝异地备案', 'mi-remote-care'],
  ['居住正签注', 'hr-permit-renew'],
  ['居住正申领', 'hr-residence-permit'],
  ['营业直照变更', 'bl-change'],
  ['失叶金申领', 'si-unemployment'],
  ['公伤认定', 'si-work-injury'],
  ['违张罚款', 'traffic-violation'],
  ['各税汇算', 'tax-individual'],
  ['发漂开具', 'tax-invoice'],
  ['小生初', 'edu-junior-high'],
  ['幼儿元补助', 'edu-kindergarten-subsidy'],
  ['异地就依备案', 'mi-remote-care'],
  ['住院报消', 'mi-reimburse'],
  ['广场午噪音', 'noise-square-dance'],
  ['餐馆油眼投诉', 'env-smoke'],
  ['井概缺失', 'road-manhole'],
  ['路登不亮', 'road-streetlight'],
  ['欠新投诉', 'wage-arrears-complaint'],
  ['劳动中裁', 'wage-labour-arbitration'],
  ['物业废', 'property-fee'],
  ['电提故障', 'property-elevator'],
  ['稳港补贴', 'enterprise-subsidy'],
  ['然气泄漏', 'util-gas'],
];

const MIXED: Row[] = [
  ['ETC怎么注销', 'traffic-etc'],
  ['车上的OBU设备怎么激活', 'traffic-etc'],
  ['交管12123处理违章', 'traffic-violation'],
  ['12123上扣分怎么查', 'traffic-violation'],
  ['用粤省事APP补办社保卡', 'si-card-reissue'],
  ['社保卡PIN码忘了重置密码', 'si-card-activate'],
  ['掌上12333社保转移', 'si-transfer'],
  ['公积金APP租房提取', 'hf-withdraw-rent'],
  ['个税App年度汇算退税', 'tax-individual'],
  ['数电发票怎么开 VAT', 'tax-invoice'],
  ['N+1经济补偿劳动仲裁', 'wage-labour-arbitration'],
  ['12315投诉商家不退款', 'consumer-refund'],
  ['VIP会员卡商家跑路了', 'consumer-prepaid'],
  ['95598停电报修', 'util-power'],
  ['PM2.5超标 工厂废气', 'env-smoke'],
  ['小区Wi-Fi旁边电梯故障困人', 'property-elevator'],
  ['国家医保服务平台App异地就医备案', 'mi-remote-care'],
  ['医保电子凭证 住院报销', 'mi-reimburse'],
  ['2026年小学入学报名', 'edu-primary-place'],
  ['22点后工地施工噪音', 'noise-night-construction'],
  ['KTV式音响广场舞扰民', 'noise-square-dance'],
  ['A4纸打印营业执照变更申请书', 'bl-change'],
  ['一网通办开公司 营业执照', 'bl-register'],
  ['东城T2路段路灯不亮', 'road-streetlight', 'DC'],
  ['3A级物业费收费标准', 'property-fee'],
  ['本科Bachelor人才补贴申请', 'talent-housing'],
];

const FULL_WIDTH: Row[] = [
  ['ＥＴＣ注销', 'traffic-etc'],
  ['ＥＴＣ办理', 'traffic-etc'],
  ['交管１２１２３违章处理', 'traffic-violation'],
  ['１２３１５退款投诉', 'consumer-refund'],
  ['９５５９８停电报修', 'util-power'],
  ['２０２６年住房公积金租房提取', 'hf-withdraw-rent'],
  ['２０２５年公积金贷款申请', 'hf-loan'],
  ['社保卡补办？', 'si-card-reissue'],
  ['社保卡密码忘了，怎么重置？', 'si-card-activate'],
  ['居住证到期３天了，怎么签注？', 'hr-permit-renew'],
  ['２０２６年小学一年级入学申请', 'edu-primary-place'],
  ['２２点以后夜间施工噪音', 'noise-night-construction'],
  ['个税ＡＰＰ年度汇算', 'tax-individual'],
  ['掌上１２３３３社保转移', 'si-transfer'],
  ['ＯＢＵ设备安装', 'traffic-etc'],
  ['Ｎ＋１经济补偿，劳动仲裁', 'wage-labour-arbitration'],
  ['拖欠工资３个月，劳动监察', 'wage-arrears-complaint'],
  ['医保异地就医备案（跨省）', 'mi-remote-care'],
  ['工伤认定，３０日内申请', 'si-work-injury'],
  ['营业执照变更经营范围！', 'bl-change'],
  ['ＶＩＰ会员卡预付卡跑路', 'consumer-prepaid'],
  ['失业保险金申领，１年', 'si-unemployment'],
  ['食品安全举报：过期食品', 'consumer-food-safety'],
  ['２０２６年人才补贴申请', 'talent-housing'],
  ['燃气泄漏！', 'util-gas'],
  ['高埗镇　路灯不亮', 'road-streetlight', 'GB'],
];

const LONG: Row[] = [
  [
    '你好我想问一下我上个月在公交车上把社保卡弄丢了现在想补办一张新的应该去哪里办',
    'si-card-reissue',
  ],
  ['我之前在湖南交了五年社保现在来东莞上班了想把养老保险转过来要怎么弄', 'si-transfer'],
  ['我跟老婆在东莞租房子住了三年一直交着公积金想问问租房能不能把公积金提出来', 'hf-withdraw-rent'],
  ['我们家刚买了一套二手房首付已经付了听说公积金可以提取出来用请问要带什么材料', 'hf-withdraw-buy'],
  ['我打算买房想用公积金贷款但是不知道自己能贷多少钱贷款额度是怎么算的', 'hf-loan'],
  [
    '我在厚街镇一家工厂上班老板已经拖欠我们工资三个月了我们十几个工友都没拿到钱该找谁',
    'wage-arrears-complaint',
    'HUJ',
  ],
  [
    '公司突然说要辞退我也不给任何赔偿我想申请劳动仲裁要经济补偿应该准备什么',
    'wage-labour-arbitration',
  ],
  [
    '我家孩子今年六岁了户口不在东莞我们是随迁子女想让他明年上小学要怎么申请学位',
    'edu-primary-place',
  ],
  [
    '我妈妈在老家参加的医保现在来东莞跟我住生病了要去医院看病医保能不能在这边直接用',
    'mi-remote-care',
  ],
  [
    '我们小区旁边的工地每天晚上十一二点还在打桩施工吵得小孩根本睡不着觉谁来管一管',
    'noise-night-construction',
  ],
  [
    '每天晚上楼下广场都有一群阿姨跳广场舞音响开得特别大声已经影响我们休息好久了',
    'noise-square-dance',
  ],
  ['我们楼下新开了一家餐馆每天中午晚上油烟直接往我家窗户里飘根本不敢开窗', 'env-smoke'],
  ['我家附近那条小河最近总是发黑发臭好像有工厂在晚上偷偷往河里排污水', 'env-water-pollution'],
  ['昨天晚上我骑电动车经过一个路口那里有个很大的坑我差点就摔倒了希望赶紧修一下', 'road-pothole'],
  ['我们村口那个路口的井盖不知道被谁偷走了晚上黑乎乎的很容易有人掉下去', 'road-manhole'],
  ['我在网上买了一台空调装好就坏了找商家要求退货退款对方一直推脱不处理', 'consumer-refund'],
  [
    '我在小区门口的理发店充了两千块钱的会员卡结果上周去发现店已经关门老板也联系不上',
    'consumer-prepaid',
  ],
  ['我们这个小区的物业费年年涨可是卫生和保安一点都没改善业主可以去哪里投诉物业', 'property-fee'],
  ['我们单元的电梯这个月已经坏了三次了上次还把一个老人困在里面半个小时', 'property-elevator'],
  ['我刚从外省的大学研究生毕业来东莞工作听说有人才补贴和租房补贴要怎么申请', 'talent-housing'],
  [
    '我开了一家小公司去年受疫情影响员工一直没裁想问一下稳岗补贴我们企业能不能申请',
    'enterprise-subsidy',
  ],
  [
    '我在东莞一个厂里做了十几年今年快到退休年龄了不知道我的养老金要怎么去申请领取',
    'si-pension-claim',
  ],
  ['我身份证放在钱包里钱包被偷了过几天还要坐高铁回老家能不能先办一个临时的身份证', 'hr-id-card'],
  ['我在工厂干活的时候被机器压伤了手老板说不是工伤不肯给我报医药费我该怎么办', 'si-work-injury'],
  ['从昨天开始我们整栋楼都没有水了也没看到停水通知打物业电话也没人接', 'util-water-outage'],
  ['我的车准备卖掉了之前在银行办的那个电子不停车收费的设备要怎么注销掉里面还有余额', 'traffic-etc'],
];

const UNCOVERED: string[] = [
  '请问怎么办理火星旅游签证',
  '我家的猫走丢了怎么办',
  '彩票中奖了怎么领奖',
  '演唱会门票买不到怎么办',
  '手机屏幕碎了去哪里修',
  '考研分数线什么时候出来',
  '股票怎么开户',
  '明天会不会下雨',
  '怎么办理',
  '请问一下你们几点下班',
  '推荐一个好吃的火锅店',
  '我想学游泳去哪里报班',
  '结婚登记需要预约吗',
  '护照加急办理要多久',
  '宠物狗打疫苗去哪里',
  '驾照考试科目二怎么练',
  '怎么申请专利',
  '离婚财产怎么分割',
  '航班延误了怎么赔偿',
  '游戏账号被盗了怎么找回',
  '出国留学需要准备什么材料',
  '哪里可以献血',
  '如何办理港澳通行证续签',
  '钢琴十级考试报名',
  '我想咨询一下减肥的方法',
  '家里的WiFi密码忘了',
  '怎么注册一个抖音账号',
  '请问哪里可以买到月饼',
  '离职了怎么跟同事说',
  '办理信用卡需要什么条件',
];

/** A query set written by kind: covered rows per kind, and the uncovered texts. */
export type QuerySet = Record<Exclude<QueryKind, 'uncovered'>, Row[]> & { uncovered: string[] };

/** Labels every row of a set with its kind, in QUERY_KINDS order. */
export function labelQueries(set: QuerySet): LabelledQuery[] {
  return QUERY_KINDS.flatMap((kind): LabelledQuery[] =>
    kind === 'uncovered'
      ? set.uncovered.map((text) => ({ kind, text, topic: null }))
      : set[kind].map(([text, topic, territory]) => ({
          kind,
          text,
          topic,
          ...(territory ? { territory } : {}),
        })),
  );
}

export const QUERIES: LabelledQuery[] = labelQueries({
  formal: FORMAL,
  colloquial: COLLOQUIAL,
  abbreviation: ABBREVIATION,
  typo: TYPO,
  'mixed-script': MIXED,
  'full-width': FULL_WIDTH,
  long: LONG,
  uncovered: UNCOVERED,
});
