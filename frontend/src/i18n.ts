import { ref } from 'vue'

// Chinese first; English on request. Texts are kept here, by key.
export type Lang = 'zh' | 'en'
export const lang = ref<Lang>((localStorage.getItem('lang') as Lang) || 'zh')

const texts: Record<string, [string, string]> = {
  brand: ['越创汇', 'Yuechuang'],
  tagline: ['绍兴众创空间投资对接与线上路演平台', "Shaoxing maker spaces' investor matchmaking and online roadshows"],
  home: ['首页', 'Home'], dealflow: ['项目推荐', 'Deal flow'], search: ['搜索', 'Search'], roadshows: ['路演', 'Roadshows'],
  login: ['登录', 'Sign in'], logout: ['退出', 'Sign out'], register: ['注册', 'Register'], email: ['邮箱', 'Email'],
  password: ['密码', 'Password'], name: ['姓名', 'Name'], role: ['身份', 'Role'],
  founder: ['创业者', 'Founder'], investor: ['投资人', 'Investor'], manager: ['空间管理者', 'Space manager'],
  programNumbers: ['计划进度', 'Program progress'], target: ['目标', 'target'],
  searchPlaceholder: ['搜索项目、投资人、众创空间（如 芯片、大模型）', 'Search startups, investors, spaces'],
  noResults: ['没有找到结果', 'Nothing found'], loading: ['加载中…', 'Loading…'], retry: ['重试', 'Retry'],
  interested: ['感兴趣', 'Interested'], pass: ['跳过', 'Pass'], save: ['收藏', 'Save'], score: ['匹配度', 'Fit'],
  needLogin: ['请先登录', 'Please sign in'], needInvestorProfile: ['请先创建投资人档案', 'Create your investor profile first'],
  enterRoom: ['进入直播间', 'Enter the room'], register_: ['报名', 'Register'], registered: ['已报名', 'Registered'],
  chat: ['聊天', 'Chat'], questions: ['提问', 'Questions'], send: ['发送', 'Send'], ask: ['提问', 'Ask'],
  onStage: ['正在路演', 'On stage'], page: ['第 {n} 页', 'page {n}'], viewers: ['在线', 'online'],
  notifications: ['通知', 'Notifications'], markAllRead: ['全部已读', 'Mark all read'], empty: ['暂无', 'Nothing yet'],
  live: ['直播中', 'Live'], scheduled: ['未开始', 'Scheduled'], ended: ['已结束', 'Ended'], vote: ['赞同', 'Upvote'],
  answered: ['已回答', 'Answered'], reconnecting: ['连接中断，正在重连…', 'Connection lost, reconnecting…'],
}

export function t(key: string, vars: Record<string, string | number> = {}): string {
  const pair = texts[key]
  let s = pair ? pair[lang.value === 'zh' ? 0 : 1] : key
  for (const [k, v] of Object.entries(vars)) s = s.replace('{' + k + '}', String(v))
  return s
}

export function toggleLang() {
  lang.value = lang.value === 'zh' ? 'en' : 'zh'
  localStorage.setItem('lang', lang.value)
}

// pick returns the text of a {zh, en} pair in the current language.
export function pick(o: { zh: string; en: string }): string {
  return lang.value === 'zh' ? o.zh : o.en
}
