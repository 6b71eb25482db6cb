import { ref, watch } from 'vue'
import { createI18n } from 'vue-i18n'
import { journeysTexts } from './i18n.journeys'
import { servicesTexts } from './i18n.services'
import { allianceTexts } from './i18n.alliance'
import { stageTexts } from './i18n.stage'
import { reasonsTexts } from './i18n.reasons'
import { errorTexts } from './i18n.errors'

// Chinese first; English on request. Every text the app shows is kept
// here by key, in both languages side by side so that neither is
// forgotten; vue-i18n does the lookup and the {placeholders}. Some areas'
// texts are in their own files (i18n.AREA.ts, spread in below); the rest
// of the app imports from here alone.
// i18n.test.ts fails on a key used but not written.
export type Lang = 'zh' | 'en'
const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('lang')
export const lang = ref<Lang>(stored === 'en' ? 'en' : 'zh')

export const texts: Record<string, [string, string]> = {
  brand: ['越创汇', 'Yuechuang'],
  tagline: ['绍兴众创空间投资对接与线上路演平台', "Shaoxing maker spaces' investor matchmaking and online roadshows"],
  menu: ['菜单', 'Menu'], home: ['首页', 'Home'], dealflow: ['项目推荐', 'Deal flow'], search: ['搜索', 'Search'],
  roadshows: ['路演', 'Roadshows'], spaces: ['众创空间', 'Maker spaces'], dashboard: ['看板', 'Dashboard'],
  myStartups: ['我的项目', 'My startups'], myInvesting: ['我的投资', 'My investing'], intros: ['引荐', 'Intros'],
  mySpace: ['我的空间', 'My space'], verification: ['认证管理', 'Verification'],
  login: ['登录', 'Sign in'], logout: ['退出', 'Sign out'], register: ['注册', 'Register'], email: ['邮箱', 'Email'],
  password: ['密码', 'Password'], name: ['名称', 'Name'], role: ['身份', 'Role'],
  founder: ['创业者', 'Founder'], investor: ['投资人', 'Investor'], manager: ['空间管理者', 'Space manager'],
  programNumbers: ['计划进度', 'Program progress'], target: ['目标', 'target'],
  searchPlaceholder: ['搜索项目、投资人、众创空间（如 芯片、大模型、huangjiu、chip）', 'Search startups, investors, spaces (e.g. chip, 芯片, xinpian)'],
  suggestions: ['搜索建议', 'Suggestions'], didYouMean: ['你是不是要找：', 'Did you mean:'], matchedBy: ['匹配：', 'Matched:'],
  'suggest.startup': ['项目', 'startup'], 'suggest.investor': ['投资人', 'investor'], 'suggest.space': ['众创空间', 'space'],
  'suggest.sector': ['行业', 'sector'], 'suggest.district': ['区县', 'district'],
  'hl.name': ['名称', 'name'], 'hl.summary': ['简介', 'summary'], 'hl.tags': ['标签', 'tag'], 'hl.sector': ['行业', 'sector'], 'hl.district': ['区县', 'district'],
  noResults: ['没有找到结果', 'Nothing found'], loading: ['加载中…', 'Loading…'], retry: ['重试', 'Retry'],
  resultCount: ['共 {n} 条 · {ms} 毫秒', '{n} results · {ms} ms'], notFound: ['没有找到这个页面或内容', 'Not found'],
  'type.startup': ['项目', 'Startups'], 'type.investor': ['投资人', 'Investors'], 'type.space': ['众创空间', 'Spaces'],
  'facet.sector': ['全部行业', 'All sectors'], 'facet.stage': ['全部阶段', 'All stages'], 'facet.district': ['全部区县', 'All districts'],
  interested: ['感兴趣', 'Interested'], pass: ['跳过', 'Pass'], save: ['收藏', 'Save'], score: ['匹配度', 'Fit'],
  'fb.interested': ['已标记感兴趣，创始人会收到通知', 'Marked interested; the founder is told'], 'fb.save': ['已收藏', 'Saved for later'], 'fb.pass': ['已跳过', 'Passed'],
  needLogin: ['请先登录', 'Please sign in'], needInvestorProfile: ['请先创建投资人档案', 'Create your investor profile first'],
  verificationDeclined: ['认证未通过', 'Verification declined'], verificationDeclinedHelp: ['请按下方的原因补充材料后重新提交', 'See the reason below, add what is missing and submit again'],
  awaitingVerification: ['档案待管理员认证；认证后可查看仅对投资人开放的信息', 'Awaiting verification; once verified you see investors-only details'],
  enterRoom: ['进入直播间', 'Enter the room'], register_: ['报名', 'Register'], registered: ['已报名', 'Registered'],
  registeredCount: ['{n} 人报名', '{n} registered'], all: ['全部', 'All'], unread: ['未读', 'Unread'],
  chat: ['聊天', 'Chat'], questions: ['提问', 'Questions'], send: ['发送', 'Send'], ask: ['提问', 'Ask'],
  askPlaceholder: ['向路演项目提问，其他人可以点赞', 'Ask the presenters; others can upvote'],
  onStage: ['正在路演', 'On stage'], page: ['第 {n} 页', 'page {n}'], viewers: ['在线', 'online'],
  prevPage: ['上一页', 'Previous'], nextPage: ['下一页', 'Next'], watchStream: ['观看直播', 'Watch the stream'],
  notStarted: ['路演尚未开始', 'The roadshow has not started'], roomEnded: ['路演已结束，记录仍可查看', 'The roadshow has ended; its record stays readable'],
  interestSent: ['已表达意向', 'Interest sent'], hostConsole: ['主持控制台', 'Host console'], startRoadshow: ['开始路演', 'Start'],
  nextSlot: ['下一个项目', 'Next startup'], endRoadshow: ['结束路演', 'End'], record: ['路演记录', 'Record'],
  noQuestions: ['还没有提问', 'No questions yet'], noChat: ['还没有消息', 'No messages yet'], agenda: ['议程', 'Agenda'], minutes: ['分钟', 'min'],
  attendance: ['{n} 人参加', '{n} attended'], interestSignals: ['个投资意向', 'interest signals'],
  notifications: ['通知', 'Notifications'], markAllRead: ['全部已读', 'Mark all read'], empty: ['暂无', 'Nothing yet'],
  allNotifications: ['查看全部通知', 'All notifications'], deliverySettings: ['通知方式', 'Delivery'],
  'deliver.live': ['即时', 'Live'], 'deliver.digest': ['每日摘要', 'Daily digest'], 'deliver.off': ['关闭', 'Off'],
  'nt.interest': ['投资人感兴趣', 'Investor interest'], 'nt.match': ['新匹配项目', 'New matching startups'],
  'nt.intro.requested': ['引荐请求', 'Intro requests'], 'nt.intro.accepted': ['引荐被接受', 'Intros accepted'], 'nt.intro.declined': ['引荐被婉拒', 'Intros declined'],
  'nt.deck.requested': ['路演材料申请', 'Deck requests'], 'nt.deck.granted': ['路演材料授权', 'Deck access granted'],
  'nt.roadshow.scheduled': ['新路演', 'New roadshows'], 'nt.roadshow.soon': ['路演开始提醒', 'Roadshow reminders'],
  'nt.roadshow.started': ['路演开始', 'Roadshow started'], 'nt.question': ['对我的项目提问', 'Questions on my pitch'],
  live: ['直播中', 'Live'], scheduled: ['未开始', 'Scheduled'], ended: ['已结束', 'Ended'], vote: ['赞同', 'Upvote'],
  answered: ['已回答', 'Answered'], reconnecting: ['连接中断，正在重连…', 'Connection lost, reconnecting…'],
  'vis.public': ['公开', 'Public'], 'vis.registered': ['报名后可看', 'Registered only'], 'vis.invited': ['仅受邀', 'Invited only'],
  askAmount: ['融资', 'Raising'], highTech: ['高新技术企业', 'High-tech enterprise'], traction: ['进展与数据', 'Traction'],
  teamSize: ['团队人数', 'Team size'], investorsOnly: ['仅对认证投资人开放', 'For verified investors'],
  deck: ['路演材料', 'Pitch deck'], openDeck: ['查看路演材料', 'Open the deck'], requestDeck: ['申请查看', 'Request access'],
  deckRequested: ['已申请，等待创始人授权', 'Requested; waiting for the founder'],
  deckHelp: ['上传 PDF（最大 20 MB）。仅认证投资人和你授权的投资人可以查看；路演时向直播间展示。', 'Upload a PDF (20 MB at most). Only verified investors and those you grant may read it; it is shown to the room while you present.'],
  deckUploaded: ['路演材料已上传', 'Deck uploaded'], deckTooLarge: ['文件超过 20 MB', 'The file is larger than 20 MB'],
  deckViews: ['谁看过', 'Who read it'], pagesRead: ['页', 'pages'], publicPage: ['查看公开页面', 'Public page'],
  deckUnparseable: ['文件无法解析为 PDF（可能已损坏），请重新导出后上传', 'The file does not parse as a PDF (it may be damaged); export it again and upload'],
  deckEncrypted: ['PDF 设有打开密码，观众无法查看；请去掉密码后上传', 'The PDF needs a password to open, so nobody could read it; remove the password and upload'],
  roomGuests: ['未登录的观众', 'Signed-out guests'],
  presentingInvitations: ['路演邀请', 'Invitations to present'],
  presentingHelp: ['空间管理者把你的项目排进了路演议程；你接受后才会上台展示，路演材料只在你展示时按页向直播间开放。', "A space manager put your startup on a roadshow's agenda; it is presented only once you accept, and your deck is shown to the room page by page only as you present."],
  acceptInvitation: ['接受', 'Accept'], declineInvitation: ['婉拒', 'Decline'], withdrawInvitation: ['退出路演', 'Withdraw'],
  'consent.invited': ['待答复', 'Awaiting answer'], 'consent.accepted': ['已接受', 'Accepted'], 'consent.declined': ['已婉拒', 'Declined'],
  residencyList: ['入驻管理', 'Residency'],
  residentsHelp: ['入驻须双方确认：创始人申请、空间确认，或空间邀请、创始人确认。只有已确认入驻的已发布项目计入官方统计。', 'Residency takes both sides: a founder asks and the space confirms, or the space invites and the founder confirms. Only confirmed, published residents count in the official figures.'],
  'residency.requested': ['待空间确认', 'Awaiting the space'], 'residency.invited': ['空间邀请入驻', 'Invited by the space'], 'residency.confirmed': ['已确认入驻', 'Confirmed resident'],
  'residencyHelp.requested': ['空间管理者确认后才算入驻，并计入统计。', 'You are a resident, and counted, once the space confirms.'],
  'residencyHelp.invited': ['该空间邀请你的项目入驻，接受后生效。', 'The space invites your startup; it takes effect when you accept.'],
  'residencyHelp.confirmed': ['空间已确认入驻。', 'The space confirmed the residency.'],
  confirmResident: ['确认入驻', 'Confirm'], withdrawInvite: ['撤回邀请', 'Withdraw'], endResidency: ['结束入驻', 'End residency'],
  selfDeclared: ['（企业自报）', '(self-declared)'],
  countingRules: ['统计口径：只计已认证的众创空间，以及已发布、入驻经空间确认的项目；团队人数（人才）与高新技术企业为企业自报。', 'What is counted: verified maker spaces, and published startups whose residency their space confirmed; team sizes (talent) and high-tech status are as the startups declare them.'],
  'action.facts': ['将更新空间登记信息', "will update the space's facts"], 'done.facts': ['已更新空间登记信息', "space's facts updated"],
  agendaConsent: ['{accepted} 个已接受，{invited} 个待答复，{declined} 个已婉拒', '{accepted} accepted, {invited} awaiting an answer, {declined} declined'],
  roomViewed: ['路演中看到第 {n} 页，{reads} 次', 'in a roadshow, up to page {n}, {reads} reads'],
  pipelineStage: ['管道阶段', 'Pipeline stage'], inPipeline: ['已加入管道', 'In your pipeline'], pipeline: ['项目管道', 'Pipeline'],
  pipelineEmpty: ['还没有项目。在项目推荐或项目页加入管道。', 'Nothing yet: add startups from the deal flow or a startup page.'],
  note: ['备注', 'Note'], 'pl.watching': ['关注', 'Watching'], 'pl.contacted': ['已联系', 'Contacted'], 'pl.meeting': ['已会面', 'Meeting'],
  'pl.due-diligence': ['尽调', 'Due diligence'], 'pl.term-sheet': ['投资意向书', 'Term sheet'], 'pl.invested': ['已投资', 'Invested'], 'pl.passed': ['放弃', 'Passed'],
  introMessage: ['给对方的一句话（可选）', 'A line for the other side (optional)'], requestIntro: ['请求引荐', 'Request an intro'],
  introSent: ['引荐请求已发送', 'Intro requested'], introsHelp: ['双方同意后才交换联系方式。', 'Contacts are shared only once both sides agree.'],
  'intro.pending': ['待回复', 'Pending'], 'intro.accepted': ['已接受', 'Accepted'], 'intro.declined': ['已婉拒', 'Declined'],
  accept: ['接受', 'Accept'], decline: ['婉拒', 'Decline'], waitingOther: ['等待对方回复', 'Waiting for the other side'],
  editProfile: ['编辑项目', 'Edit the profile'], noMatchesYet: ['发布后这里会显示匹配的投资人', 'Investors who fit show here once published'],
  kindLabel: ['类型', 'Kind'], 'kind.angel': ['天使投资人', 'Angel'], 'kind.institution': ['机构', 'Institution'],
  sectors: ['关注行业', 'Sectors'], stages: ['投资阶段', 'Stages'], districtsAny: ['关注区县（不选即不限）', 'Districts (none = any)'],
  checkMin: ['单笔下限（万元）', 'Cheque min (万元)'], checkMax: ['单笔上限（万元）', 'Cheque max (万元)'],
  saveBtn: ['保存', 'Save'], saved: ['已保存', 'Saved'], investorsOnlyPage: ['仅投资人', 'Investors only'],
  managersOnly: ['仅空间管理者', 'Space managers only'], newSpace: ['新空间', 'New space'], spaceName: ['空间名称', 'Space name'],
  levelLabel: ['级别', 'Level'], modelLabel: ['模式', 'Model'], district: ['区县', 'District'], servicesLabel: ['服务', 'Services'],
  address: ['地址', 'Address'], website: ['网站', 'Website'], description: ['介绍', 'Description'], makerBase: ['创客基地', 'Maker base'],
  'level.city': ['市级', 'City'], 'level.provincial': ['省级', 'Provincial'], 'level.national': ['国家级', 'National'],
  'model.investment': ['投资促进型', 'Investment'], 'model.training': ['培训辅导型', 'Training'], 'model.services': ['专业服务型', 'Services'],
  'model.incubation': ['创业孵化型', 'Incubation'], 'model.comprehensive': ['综合型', 'Comprehensive'],
  'service.incubationTeam': ['职业孵化队伍', 'Incubation team'], 'service.financing': ['投融资', 'Financing'],
  'service.mentoring': ['辅导培训', 'Mentoring'], 'service.techServices': ['技术服务', 'Technical services'],
  allLevels: ['全部级别', 'All levels'], allDistricts: ['全部区县', 'All districts'], verified: ['已认证', 'Verified'],
  manageSpace: ['管理空间', 'Manage the space'], residents: ['入驻项目', 'Resident startups'], spaceFigures: ['本空间数据', "This space's figures"],
  registry: ['入驻企业名册', 'Startup registry'], registryHelp: ['上传 Excel 或 CSV（UTF-8 或 GBK），先预览每一行的问题，再导入无误的行；重复导入不会重复创建。', 'Upload Excel or CSV (UTF-8 or GBK); preview every row\'s problems, then import the good rows. Importing again creates no duplicates.'],
  registryCounts: ['{good} 行可导入，{bad} 行有问题', '{good} rows ready, {bad} with problems'],
  registryDone: ['新建 {created}，更新 {updated}', '{created} created, {updated} updated'],
  importGood: ['导入 {n} 行', 'Import {n} rows'], export: ['导出', 'Export'],
  'action.create': ['将新建', 'will be created'], 'action.update': ['将更新', 'will be updated'], 'action.skip': ['跳过', 'skipped'],
  scheduleRoadshow: ['安排路演', 'Schedule a roadshow'], roadshowTitle: ['路演标题', 'Title'], startsAt: ['开始时间', 'Starts at'],
  visibility: ['观看范围', 'Who may watch'], streamUrl: ['直播地址', 'Stream URL'], noSlots: ['请至少添加一个路演项目', 'Add at least one startup'],
  findStartup: ['搜索已发布的项目加入议程', 'Find a published startup for the agenda'], schedule: ['发布路演', 'Schedule'],
  spaceRoadshows: ['本空间的路演', "This space's roadshows"],
  adminsOnly: ['仅管理员', 'Admins only'], nothingToVerify: ['没有待认证的', 'Nothing waiting'], verify: ['认证', 'Verify'],
  demoHint: ['演示账号（密码 yuechuang2026）', 'Demo accounts (password yuechuang2026)'],
  'dist.spaces': ['众创空间', 'Maker spaces'], 'dist.startups': ['孵化企业', 'Startups incubated'], 'dist.highTech': ['高新技术企业', 'High-tech enterprises'],
  dashboardTitle: ['计划进度看板', 'Program dashboard'],
  backupsTitle: ['数据备份', 'Backups'],
  backupsOff: ['未开启定时备份：请设置 BACKUP_DIR（见 docs/OPERATIONS.md）。磁盘损坏将丢失全部记录。', 'Scheduled backups are off: set BACKUP_DIR (see docs/OPERATIONS.md). A disk failure would lose every record.'],
  backupsExternal: ['数据库在 MongoDB 中，请用 mongodump 备份；这里的备份只含数据库以外的文件。', 'The database is in MongoDB: back it up with mongodump; these backups hold only the files outside it.'],
  backupLast: ['最近一次成功备份：{age}前（{at}）', 'Last good backup: {age} ago ({at})'],
  backupNone: ['还没有成功的备份', 'No good backup yet'],
  backupStale: ['备份已超过两个周期没有更新，请检查服务器日志和备份目录。', 'The last good backup is older than two periods: check the server log and the backup folder.'],
  backupEvery: ['每 {every} 备份一次，保留 {keep} 份，位于 {dir}', 'Every {every}, keeping {keep}, in {dir}'],
  backupFailures: ['{n} 次备份失败，最近一次在 {at}：', '{n} backups failed, the last at {at}:'],
  'unit.days': ['{n} 天', '{n} d'], 'unit.hours': ['{n} 小时', '{n} h'], 'unit.minutes': ['{n} 分钟', '{n} min'],
  districtAdminsOnly: ['分区县明细仅管理员可见', 'The district detail is for admins'],
  addToPipeline: ['加入管道', 'Add to pipeline'],
  newStartup: ['新项目', 'New startup'],
  startupName: ['项目名称', 'Name'],
  oneLiner: ['一句话介绍', 'One-liner'],
  startupDescription: ['项目介绍（至少 20 字）', 'Description (20+ characters)'],
  askWan: ['融资需求（万元）', 'Raising (万元)'],
  publish: ['发布', 'Publish'],
  preview: ['预览', 'Preview'],
  investorsWhoFit: ['匹配的投资人', 'Investors who fit'],
  published: ['已发布', 'published'], draft: ['草稿', 'draft'],
  raiseHand: ['举手', 'Raise hand'], handRaised: ['已举手', 'Hand raised'], hideMessage: ['隐藏消息', 'Hide message'],
  muteUser: ['禁言', 'Mute'], youAreMuted: ['你已被主持人禁言', 'The host has muted you'],
  financials: ['财务与估值', 'Financials and valuation'], contactName: ['联系人', 'Contact'], contactPhone: ['联系电话', 'Phone'],
  programFacts: ['孵化信息（用于计划统计）', 'Incubation facts (for the program figures)'], incubatedBy: ['入驻空间', 'Incubated by'],
  notIncubated: ['未入驻', 'Not in a space'], incubatedSince: ['入驻日期', 'Incubated since'], graduated: ['已毕业', 'Graduated'],
  revenueWan: ['年营收（万元）', 'Revenue (万元/yr)'], valuationWan: ['估值（万元）', 'Valuation (万元)'], useOfFunds: ['资金用途', 'Use of funds'],
  whoIsInterested: ['感兴趣的投资人', 'Interested investors'], noInterestYet: ['还没有投资人表达意向', 'No investor has signalled interest yet'],
  roomNeedsSignIn: ['这场路演仅对报名用户开放，请先登录', 'This roadshow is for registered users: sign in first'],
  roomNeedsRegistration: ['这场路演仅对报名用户开放，报名后即可进入', 'This roadshow is for registered users: register to enter'],
  chequeRange: ['单笔 {min}–{max} 万元', 'Cheques of {min}–{max} 万元'],
  colon: ['：', ': '], edit: ['编辑', 'Edit'], cancel: ['取消', 'Cancel'], editRoadshow: ['修改路演', 'Edit the roadshow'], react: ['表情', 'React with'], markAnswered: ['标为已回答', 'Mark answered'],
  targetsTitle: ['计划目标', 'Program targets'], targetsHelp: ['按本市行动计划填写；保存后看板立即按新目标计算完成率。', "As the city's action plan sets them; the dashboard counts against the new targets at once."],
  targetYear: ['目标年份', 'Target year'], districtTargets: ['区县目标（0 表示未设）', 'District targets (0 = none set)'],
  'tg.spacesCity': ['市级众创空间', 'City-level spaces'], 'tg.spacesProvincial': ['省级众创空间', 'Provincial spaces'], 'tg.spacesNational': ['国家级众创空间', 'National spaces'],
  'tg.makerBases': ['创客基地', 'Maker bases'], 'tg.startups': ['孵化科技型小微企业', 'Tech SMEs incubated'], 'tg.highTech': ['高新技术企业', 'High-tech enterprises'],
  'tg.talent': ['创新创业人才', 'Talent'], 'tg.ventureInstitutions': ['创投机构', 'Venture institutions'],
  'tg.incubationTeamShare': ['具备孵化队伍的空间', 'Spaces with an incubation team'], 'tg.financingShare': ['提供投融资的空间', 'Spaces offering financing'],
  'tg.mentoringShare': ['提供辅导培训的空间', 'Spaces offering mentoring'], 'tg.techServicesShare': ['提供技术服务的空间', 'Spaces offering technical services'],
  alertScore: ['新项目提醒', 'New-startup alerts'], 'alert.default': ['行业和阶段都符合时（默认）', 'When sector and stage both fit (default)'],
  'alert.wide': ['行业或阶段符合时', 'When sector or stage fits'], 'alert.narrow': ['只提醒最契合的', 'Only the closest fits'],
  'done.create': ['已新建', 'created'], 'done.update': ['已更新', 'updated'], 'done.skip': ['已跳过', 'skipped'],
  trends: ['趋势', 'Trends'], noHistory: ['从今天开始每日记录', 'Recorded daily from today'],
  account: ['账号与安全', 'Account and security'], changePassword: ['修改密码', 'Change password'],
  oldPassword: ['当前密码', 'Current password'], newPassword: ['新密码', 'New password'], repeatPassword: ['再次输入新密码', 'New password again'],
  passwordRule: ['至少 10 位，不能是邮箱，不能是常见密码。修改后其他设备上的登录全部失效。', 'At least 10 characters, not your email, not a common password. Changing it signs out every other device.'],
  passwordsDiffer: ['两次输入的新密码不一致', 'The two new passwords differ'], passwordChanged: ['密码已修改，其他设备已退出登录', 'Password changed; every other device is signed out'],
  signOutEverywhere: ['在所有设备上退出', 'Sign out everywhere'], signOutEverywhereHelp: ['结束此账号在所有设备和浏览器上的登录，包括当前这个。', 'Ends every session of this account on every device and browser, this one included.'],
  reconstructedNote: ['虚线段为根据已存日期回推的月末数据', 'The dashed stretch: month-ends reconstructed from stored dates'], report: ['进度报告', 'Progress report'],
  ...stageTexts,
  ...reasonsTexts,
  ...journeysTexts,
  ...servicesTexts,
  ...allianceTexts,
}

// errorTexts (i18n.errors.ts) are joined in too, so that t finds them.
export { errorTexts }
Object.assign(texts, errorTexts)

const locales = { zh: 'zh-CN', en: 'en' } as const
const messages: Record<string, Record<string, string>> = { 'zh-CN': {}, en: {} }
for (const [key, [zh, en]] of Object.entries(texts)) {
  messages['zh-CN'][key] = zh
  messages.en[key] = en
}

// i18n is installed into the app (main.ts); t below is its lookup for
// code outside templates too.
export const i18n = createI18n({
  legacy: false, locale: locales[lang.value], fallbackLocale: 'zh-CN', flatJson: true, messages,
  missingWarn: import.meta.env.DEV, fallbackWarn: import.meta.env.DEV,
})
watch(lang, (l) => {
  i18n.global.locale.value = locales[l]
  if (typeof document !== 'undefined') document.documentElement.lang = locales[l]
}, { flush: 'sync', immediate: true })

// has reports whether key has a text (for codes the server sends).
export function has(key: string): boolean {
  return i18n.global.te(key, locales[lang.value]) || i18n.global.te(key, 'zh-CN')
}

export function t(key: string, vars: Record<string, string | number> = {}): string {
  return i18n.global.t(key, vars)
}

// codeText is the words for an error code the server sent; a code the app
// has no words for gets a generic text, never the server's detail.
export function codeText(code: string): string {
  return has('err.' + code) ? t('err.' + code) : t('err.unknown')
}

// fieldText is the words for one field error: the field's name, then the
// words for its code. Only the last part of a field path names it
// ("slots[2].startupId" is a startup); an unknown name is left out rather
// than shown as the server's key.
export function fieldText(f: { field: string; code?: string }): string {
  const name = f.field.replace(/\[\d+\]/g, '').split('.').pop() || ''
  const words = f.code && has('fe.' + f.code) ? t('fe.' + f.code) : t('fe.unknown')
  return has('field.' + name) ? t('field.' + name) + t('colon') + words : words
}

export function toggleLang() {
  lang.value = lang.value === 'zh' ? 'en' : 'zh'
  localStorage.setItem('lang', lang.value)
}

// pick returns the text of a {zh, en} pair in the current language.
export function pick(o: { zh: string; en: string }): string {
  return lang.value === 'zh' ? o.zh : o.en
}

// when formats a time in the reader's language and zone.
export function when(iso: string): string {
  if (!iso) return ''
  return new Date(iso).toLocaleString(lang.value === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' })
}
