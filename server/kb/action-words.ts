/**
 * The generic actions of hotline questions: what a caller wants done (补办, 申请, 提取)
 * or what happened (丢了), not what it is about. They rank like any word, but matching
 * only them is never a confident answer: 护照丢了怎么补办 shares 丢了 and 补办 with the
 * article on a lost social security card, and that article does not answer it, however
 * rare the two words are in a small KB. The topic (护照) must be matched.
 */
const LIST = `
丢 丢了 丢失 遗失 弄丢 弄丢了 丢掉 掉了 不见 不见了 找不到 被偷 被盗
补 补办 补领 补发 补证 重办 重新 换 换证 更换 续 续办 续期 延期 到期 过期
办 办理 申请 申领 申报 申办 报名 预约 登记 注册 注销 撤销 取消 变更 修改 更改
手续 流程 程序 材料 资料 条件 要求 规定 政策 标准 费用 时间 地点 地方 窗口 网上 线上
提取 领取 领 取 退 退还 退回 缴纳 缴费 交 交费 支付 付 查 查询 查看 打印 开具 开 证明
投诉 举报 反映 反馈 求助 维权 处理 解决 帮助 服务 咨询 问 了解
`;

export const ACTION_WORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));

export function isActionWord(word: string): boolean {
  return ACTION_WORDS.has(word);
}

/**
 * The longer action words a one-character one begins (补 -> 补办 补领 补发 补证): what a
 * caller who says 怎么补 means, and what articles write.
 */
export function actionCompounds(word: string): string[] {
  if ([...word].length !== 1 || !ACTION_WORDS.has(word)) return [];
  return [...ACTION_WORDS].filter((w) => w !== word && w.startsWith(word));
}
