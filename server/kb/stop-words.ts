/**
 * Words that say nothing about the topic of a question: function words, question words
 * and the verbs every question has (怎么 办理). A query made only of these matches
 * nothing, and they never count towards a hit's confidence.
 */
const LIST = `
的 了 吗 呢 吧 啊 呀 哦 嗯 么 啦 哈 嘛 喂 哎 诶 呃
和 与 及 或 跟 同 而 并 且 但 但是 还是 或者 以及 然后 那么 就是 所以 因为 如果
在 是 有 没 没有 不 不是 也 都 就 还 又 再 很 太 挺 比较 非常 特别 一直
要 想 会 能 可以 可能 应该 需要 需 得 该 能否 能不能 可不可以 是不是 有没有 要不要
请 请问 问 问下 问一下 问问 一下 咨询 了解 知道 告诉 帮 帮忙 麻烦 谢谢 你好 您好
我 我们 我家 你 你们 您 他 她 它 他们 她们 自己 人 大家 别人
这 那 这个 那个 这些 那些 这里 那里 这边 那边 这样 那样 这种 那种
哪 哪里 哪儿 哪个 哪些 哪家 什么 啥 怎么 怎么样 怎样 咋 咋办 如何 为什么 为何 干嘛
多少 多久 几 几天 谁 何时 什么时候 怎么办 怎么弄 怎么搞
办 办理 办事 处理 搞 弄 做 去 来 找 看 说 讲 问题 情况 事 事情 东西 方面
个 些 一个 一些 一点 有点 有个 现在 今天 昨天 明天 已经 刚才 最近 马上
一张 一次 一下子 三个 两个 几个 个月 上个月 这个月 下个月 那边 这边 不知道 知道 新的 旧的
一样 怎么回事 到底 究竟 真的 其实 好像 感觉 觉得 结果 后来 之前 以后 时候 的话 而且
给 把 被 让 对 从 到 向 往 于 为 由 关于 上 下 里 中 内 外 前 后 着 过 地
`;

export const STOP_WORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}
