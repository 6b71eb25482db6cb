import { ref, watch } from 'vue'
import { createI18n } from 'vue-i18n'
import { journeysTexts } from './i18n.journeys'
import { servicesTexts } from './i18n.services'
import { allianceTexts } from './i18n.alliance'

// Chinese first; English on request. Every text the app shows is kept
// here by key, in both languages side by side so that neither is
// forgotten; vue-i18n does the lookup and the {placeholders}.
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
  // The stage's live video (Room.vue, StageRecordings.vue) and its error codes.
  'stage.empty': ['台上暂时没有人在直播', 'Nobody is live on stage right now'],
  'stage.goLive': ['上台（摄像头和麦克风）', 'Go on stage (camera and microphone)'],
  'stage.goLiveAudio': ['只用麦克风上台', 'Go on stage with the microphone only'],
  'stage.mute': ['静音', 'Mute'], 'stage.unmute': ['取消静音', 'Unmute'],
  'stage.camOff': ['关闭摄像头', 'Camera off'], 'stage.camOn': ['打开摄像头', 'Camera on'],
  'stage.leave': ['下台', 'Leave the stage'], 'stage.heldByHost': ['主持人已关闭你的麦克风或摄像头', 'The host switched your microphone or camera off'],
  'stage.invited': ['主持人邀请你上台发言：可以只开麦克风，也可以同时开摄像头', 'The host invites you on stage: join with your microphone, and your camera if you like'],
  'stage.bringOnStage': ['请上台', 'Bring on stage'], 'stage.speaker': ['台上发言', 'On stage'], 'stage.remove': ['请下台', 'Remove from stage'],
  'stage.hostMute': ['静音', 'Mute'], 'stage.hostUnmute': ['允许发言', 'Allow the microphone'],
  'stage.hostCamOff': ['关摄像头', 'Camera off'], 'stage.hostCamOn': ['允许摄像头', 'Allow the camera'],
  'stage.as.host': ['主持人', 'Host'], 'stage.as.presenter': ['路演者', 'Presenter'], 'stage.as.speaker': ['发言嘉宾', 'Speaker'],
  'stage.micOff': ['麦克风已关闭', 'Microphone off'], 'stage.camOffShort': ['摄像头已关闭', 'Camera off'],
  'stage.unmuteSound': ['打开声音', 'Turn the sound on'],
  'stage.overflow': ['人数较多时也可通过下方外部直播链接观看', 'For large audiences the external stream below carries the roadshow too'],
  'stage.recordings': ['路演录像', 'Stage recordings'], 'stage.slotN': ['第 {n} 个项目', 'Slot {n}'],
  'stage.videoFile': ['视频（IVF/VP8）', 'video (IVF/VP8)'], 'stage.audioFile': ['音频（Ogg/Opus）', 'audio (Ogg/Opus)'], 'stage.download': ['下载', 'Download'],
  'err.stage_forbidden': ['只有主持人、当前路演者和受邀嘉宾可以上台', 'Only the host, the presenter on stage and invited speakers can go on stage'],
  'err.off_stage': ['主持人已请你下台', 'The host took you off the stage'],
  'err.not_present': ['此人不在直播间', 'That person is not in the room'],
  'err.host_muted': ['主持人关闭了它，只有主持人能重新打开', 'The host switched this off; only the host can switch it back on'],
  'err.bad_offer': ['浏览器的连接请求无效', "The browser's connection offer was not valid"],
  'err.not_on_stage': ['此人已不在台上', 'That person is not on stage'],
  'err.no_session': ['连接已结束', 'The connection has ended'],
  'err.stage_unavailable': ['直播视频暂不可用', 'Live video is not available'],
  'err.no_recording': ['录像不存在', 'No such recording'],
  'err.no_camera': ['无法使用摄像头或麦克风，请检查浏览器权限', 'Cannot use the camera or microphone: check the browser permissions'],
  // Match reasons (taxonomy.ts's reasonText fills the names and numbers).
  'reason.sector': ['{sector} ✓ 在关注行业内', '{sector} ✓ in the thesis sectors'],
  'reason.sector_no': ['{sector} 不在关注行业内', '{sector} is outside the thesis sectors'],
  'reason.sector_related': ['{sector} ≈ 属于关注的{family}领域', '{sector} ≈ related ({family})'],
  'reason.sector_open': ['{sector}（不限行业）', '{sector} (any sector)'],
  'reason.stage': ['{stage} ✓', '{stage} ✓'],
  'reason.stage_no': ['{stage} 不在关注阶段内', '{stage} is outside the thesis stages'],
  'reason.stage_near': ['{stage}，与关注阶段相邻', '{stage}, next to a thesis stage'],
  'reason.stage_far_no': ['{stage}，与关注阶段相差两轮', '{stage}, two rounds from the thesis stages'],
  'reason.stage_open': ['{stage}（不限阶段）', '{stage} (any stage)'],
  'reason.cheque': ['融资 {ask}万元，在 {range}万元 单笔范围内', 'asks {ask}万, inside the {range}万 cheque range'],
  'reason.cheque_no': ['融资 {ask}万元，超出 {range}万元 单笔范围', 'asks {ask}万, outside the {range}万 cheque range'],
  'reason.cheque_near': ['融资 {ask}万元，接近 {range}万元 单笔范围', 'asks {ask}万, near the {range}万 cheque range'],
  'reason.district': ['{district} ✓', '{district} ✓'],
  'reason.district_no': ['{district}（不在关注区县）', '{district} (outside the thesis districts)'],
  'reason.district_open': ['{district}', '{district}'],
  // The same codes for a mentor's fit (Mentors.vue): expertise, not a thesis.
  'reason.mentor.sector': ['{sector} ✓ 在导师擅长行业内', '{sector} ✓ in the mentor\'s sectors'],
  'reason.mentor.sector_no': ['{sector} 不在导师擅长行业内', '{sector} is outside the mentor\'s sectors'],
  'reason.mentor.sector_related': ['{sector} ≈ 导师擅长的{family}领域', '{sector} ≈ related to the mentor\'s {family} work'],
  'reason.mentor.stage_no': ['{stage} 不在导师辅导阶段内', '{stage} is outside the stages the mentor coaches'],
  'reason.mentor.stage_near': ['{stage}，与导师辅导阶段相邻', '{stage}, next to a stage the mentor coaches'],
  'reason.mentor.stage_far_no': ['{stage}，与导师辅导阶段相差两轮', '{stage}, two rounds from the stages the mentor coaches'],
  'reason.mentor.district_no': ['{district}（不在导师服务区县）', '{district} (outside the districts the mentor serves)'],
  'reason.shared_space': ['同一众创空间', 'same maker space'],
  'reason.feedback': ['与你感兴趣的项目相似', 'like startups you were interested in'],
  'reason.feedback_no': ['与你跳过的项目相似', 'like startups you passed on'],
  'reason.fresh': ['近期更新', 'recently updated'],
  'reason.complete': ['资料完整', 'complete profile'],
  ...journeysTexts,
  ...servicesTexts,
  ...allianceTexts,
}


// The words for every code the server sends (errors: 'err.<code>'; field
// errors: 'fe.<code>', with the field's name from 'field.<name>'). The
// server's own texts are short English for API clients and are never shown;
// i18n.test.ts fails on a code in generated/codes.json without words here.
export const errorTexts: Record<string, [string, string]> = {
  listSep: ['；', '; '],
  'err.unknown': ['操作没有成功，请稍后重试', 'That did not work; please try again later'],
  'err.network': ['无法连接服务器，请检查网络后重试', 'Cannot reach the server; check the connection and retry'],
  'err.admin_only': ['仅管理员可以查看或操作', 'Only admins may see or do this'],
  'err.agenda_fixed': ['路演已开始或结束，议程不能再修改', 'The roadshow has started or ended; its agenda is fixed'],
  'err.bad_csv': ['CSV 文件格式有误，请检查后重新上传', 'The CSV file is malformed; check it and upload again'],
  'err.bad_encoding': ['文件编码无法识别（支持 UTF-8 与 GBK）', 'The file encoding is not recognised (UTF-8 and GBK work)'],
  'err.bad_frame': ['消息格式有误', 'The message was malformed'],
  'err.bad_request': ['请求格式有误', 'The request was malformed'],
  'err.bad_state': ['路演当前的状态不允许这样做', 'Not possible in the roadshow\'s current state'],
  'err.bad_xlsx': ['无法读取这个 Excel 文件', 'This Excel file cannot be read'],
  'err.cell_too_large': ['表格中有单元格内容过长', 'A cell in the sheet is too long'],
  'err.database_unavailable': ['数据库暂不可用，请稍后重试', 'The database is unavailable; retry later'],
  'err.deck_not_on_stage': ['只能查看正在展示的项目材料', 'Only the deck on stage can be shown'],
  'err.deck_restricted': ['路演材料仅对认证投资人或获创始人授权的投资人开放，可申请查看', 'The deck is for verified investors or those its founder granted; you may request access'],
  'err.deck_too_large': ['路演材料最大 20 MB', 'A deck may be at most 20 MB'],
  'err.deck_unreadable': ['路演材料无法解析，请创始人重新上传', 'The deck cannot be read; its founder should upload it again'],
  'err.duplicate': ['已经存在', 'It already exists'],
  'err.edit_conflict': ['内容已被同时修改，请刷新后重试', 'Someone else changed this meanwhile; reload and retry'],
  'err.email_taken': ['该邮箱已注册，请直接登录', 'This email is already registered; sign in instead'],
  'err.empty_body': ['请求内容为空', 'The request was empty'],
  'err.file_too_large': ['文件过大（最大 5 MB）', 'The file is too large (5 MB at most)'],
  'err.forbidden': ['你无权执行此操作', 'You may not do this'],
  'err.forbidden_field': ['只有管理员可以修改这一项', 'Only an admin may change this'],
  'err.host_only': ['只有主持人可以这样做', 'Only the host may do this'],
  'err.internal': ['服务器出错了，请稍后重试', 'Something went wrong on the server; retry later'],
  'err.intro_decided': ['这个引荐已经有了答复', 'This intro has already been answered'],
  'err.intro_limit': ['今天的引荐请求已达上限（10 个），明天再试', 'You reached today\'s limit of 10 open intro requests; try tomorrow'],
  'err.intro_pending': ['你们之间已有待回复的引荐', 'An intro between you is already pending'],
  'err.invalid': ['内容无效', 'That is not valid'],
  'err.invalid_credentials': ['邮箱或密码不正确', 'Wrong email or password'],
  'err.invalid_id': ['链接中的编号无效', 'The id in the link is not valid'],
  'err.invalid_json': ['请求格式有误', 'The request was malformed'],
  'err.invalid_refresh_token': ['登录已失效，请重新登录', 'Your session expired; sign in again'],
  'err.invalid_ticket': ['连接凭证已过期，请刷新页面', 'The connection ticket expired; reload the page'],
  'err.invalid_token': ['登录已失效，请重新登录', 'Your session expired; sign in again'],
  'err.last_slot': ['已是最后一个路演项目', 'This is the last startup on the agenda'],
  'err.limit_reached': ['已达到数量上限', 'You have reached the limit'],
  'err.method_not_allowed': ['不支持这个操作', 'This operation is not supported'],
  'err.muted': ['你已被主持人禁言', 'The host has muted you'],
  'err.no_deck': ['尚未上传路演材料', 'No deck has been uploaded yet'],
  'err.no_header': ['找不到表头：需要一列“企业名称”', 'No header row: a column such as 企业名称 (name) is needed'],
  'err.no_presenters': ['还没有创始人接受路演邀请', 'No founder has accepted an invitation to present yet'],
  'err.no_residency_pending': ['没有待确认的入驻', 'There is no residency waiting for this answer'],
  'err.not_found': ['没有找到这个页面或内容', 'Not found'],
  'err.not_live': ['路演未在进行', 'The roadshow is not live'],
  'err.not_pdf': ['路演材料须为 PDF 文件', 'The deck must be a PDF file'],
  'err.not_ready': ['服务暂不可用，请稍后重试', 'The service is not ready; retry later'],
  'err.not_space_manager': ['只能为自己管理的众创空间安排路演', 'You can only host roadshows for the spaces you manage'],
  'err.other_side_only': ['只有对方可以接受或婉拒', 'Only the other side may accept or decline'],
  'err.payload_too_large': ['提交的内容过大', 'What you sent is too large'],
  'err.pdf_encrypted': ['PDF 设有打开密码，观众无法查看；请去掉密码后上传', 'The PDF needs a password to open, so nobody could read it; remove the password and upload'],
  'err.pdf_unparseable': ['文件无法解析为 PDF（可能已损坏），请重新导出后上传', 'The file does not parse as a PDF (it may be damaged); export it again and upload'],
  'err.profile_exists': ['你已有投资人档案', 'You already have an investor profile'],
  'err.profile_required': ['请先创建你的档案', 'Create your profile first'],
  'err.rate_limited': ['操作过于频繁，请稍后再试', 'Too many attempts; try again later'],
  'err.registration_required': ['请先报名这场路演', 'Register for this roadshow first'],
  'err.request_timeout': ['请求超时，请重试', 'The request timed out; retry'],
  'err.resident_elsewhere': ['该项目已入驻或申请了其他空间', 'The startup is in, or has asked, another space'],
  'err.roadshow_ended': ['路演已结束', 'The roadshow has ended'],
  'err.roadshow_live': ['路演进行中，议程和时间不能修改', 'While live, the agenda and time are fixed'],
  'err.roadshow_not_live': ['路演进行中才展示路演材料', 'Decks are shown while the roadshow is live'],
  'err.role_required': ['你的账号身份不能执行此操作', 'Your account\'s role cannot do this'],
  'err.route_not_found': ['没有这个接口', 'No such endpoint'],
  'err.search_unavailable': ['搜索暂不可用，请稍后重试；资料的保存不受影响', 'Search is unavailable; retry later. Saving profiles still works'],
  'err.sender_limit': ['通知他人过于频繁，请稍后再试', 'You have notified others too often; try again later'],
  'err.sign_in_required': ['请登录并报名后进入', 'Sign in and register to enter'],
  'err.too_long': ['内容过长', 'The text is too long'],
  'err.too_many_columns': ['表格列数过多', 'The sheet has too many columns'],
  'err.too_many_rows': ['最多 5000 行', 'At most 5,000 rows'],
  'err.too_many_sockets': ['此网络的连接过多，请关闭一些页面后重试', 'Too many open connections from your network; close some pages and retry'],
  'err.unauthorized': ['请先登录', 'Please sign in'],
  'err.unavailable': ['暂时不可用，请稍后重试', 'Unavailable for now; retry later'],
  'err.unknown_field': ['提交了不允许的字段', 'A field that cannot be set was sent'],
  'err.unknown_type': ['不支持的消息类型', 'Unsupported message type'],
  'err.unsupported_media_type': ['提交的内容格式不受支持', 'Unsupported content type'],
  'err.validation_failed': ['输入有误，请检查标出的项目', 'Some input is not valid; check the marked fields'],
  'err.websocket_required': ['此地址只接受实时连接', 'This address takes live connections only'],
  'fe.admin_only': ['仅管理员可以设置', 'only an admin may set this'],
  'fe.below_minimum': ['不能小于下限', 'must not be below the minimum'],
  'fe.date_out_of_range': ['日期不在合理范围内', 'the date is out of the plausible range'],
  'fe.duplicate': ['有重复项', 'has a duplicate'],
  'fe.ids_or_all': ['请选择要标记的通知', 'choose the notifications to mark'],
  'fe.in_past': ['不能早于现在', 'must not be in the past'],
  'fe.invalid_choice': ['请从列表中选择', 'choose from the list'],
  'fe.invalid_email': ['邮箱格式不正确', 'not a valid email address'],
  'fe.invalid_id': ['编号无效', 'not a valid id'],
  'fe.invalid_url': ['须为 http(s) 网址', 'must be an http(s) address'],
  'fe.invisible_characters': ['含有控制字符或不可见字符', 'contains control or invisible characters'],
  'fe.not_allowed': ['不允许设置', 'cannot be set'],
  'fe.not_boolean': ['须为是或否', 'must be yes or no'],
  'fe.not_found': ['不存在或未发布', 'does not exist or is not published'],
  'fe.not_integer': ['须为整数', 'must be a whole number'],
  'fe.not_investor': ['须为投资人', 'must be an investor'],
  'fe.not_number': ['须为数字', 'must be a number'],
  'fe.out_of_range': ['超出允许范围', 'out of the allowed range'],
  'fe.password_common': ['密码过于常见，容易被猜到', 'This password is too common and easy to guess'],
  'fe.password_is_email': ['密码不能是邮箱或邮箱用户名', 'The password must not be your email or its name part'],
  'fe.password_too_long': ['密码最多 128 位', 'The password is too long (128 at most)'],
  'fe.password_too_short': ['密码至少 10 位', 'The password needs at least 10 characters'],
  'fe.password_unchanged': ['新密码须与当前密码不同', 'The new password must differ from the current one'],
  'fe.password_wrong': ['当前密码不正确', 'The current password is wrong'],
  'fe.required': ['必填', 'required'],
  'fe.single_line': ['须为一行，不能换行', 'must be a single line'],
  'fe.too_long': ['内容过长', 'too long'],
  'fe.too_many': ['数量过多', 'too many'],
  'fe.too_short': ['内容过短（至少 20 字）', 'too short (20 characters at least)'],
  'fe.unknown': ['无效', 'not valid'],
  'fe.wrong_type': ['格式不正确', 'has the wrong format'],
  'field.action': ['操作', 'Action'], 'field.address': ['地址', 'Address'], 'field.alertScore': ['新项目提醒', 'Alerts'],
  'field.askMax': ['融资额上限', 'Largest ask'], 'field.askMin': ['融资额下限', 'Smallest ask'], 'field.askWan': ['融资需求', 'Raising'],
  'field.bio': ['简介', 'Bio'], 'field.checkMaxWan': ['单笔上限', 'Cheque max'], 'field.checkMinWan': ['单笔下限', 'Cheque min'],
  'field.contactName': ['联系人', 'Contact'], 'field.contactPhone': ['联系电话', 'Phone'], 'field.days': ['天数', 'Days'],
  'field.description': ['介绍', 'Description'], 'field.district': ['区县', 'District'], 'field.districts': ['区县', 'Districts'],
  'field.email': ['邮箱', 'Email'], 'field.financials': ['财务与估值', 'Financials'], 'field.foundedYear': ['成立年份', 'Founded'],
  'field.ids': ['通知', 'Notifications'], 'field.incubatedSince': ['入驻日期', 'Incubated since'], 'field.investorUserId': ['投资人', 'Investor'],
  'field.invited': ['受邀人', 'Invitees'], 'field.kind': ['类型', 'Kind'], 'field.label': ['链接名称', 'Link label'], 'field.level': ['级别', 'Level'],
  'field.limit': ['数量', 'Limit'], 'field.links': ['链接', 'Links'], 'field.message': ['留言', 'Message'], 'field.minutes': ['时长', 'Minutes'],
  'field.model': ['模式', 'Model'], 'field.name': ['名称', 'Name'], 'field.newPassword': ['新密码', 'New password'], 'field.note': ['备注', 'Note'],
  'field.oldPassword': ['当前密码', 'Current password'], 'field.oneLiner': ['一句话介绍', 'One-liner'], 'field.organization': ['机构', 'Organization'],
  'field.page': ['页码', 'Page'], 'field.pageSize': ['每页条数', 'Page size'], 'field.pages': ['页', 'Pages'], 'field.password': ['密码', 'Password'],
  'field.presenter': ['路演人', 'Presenter'], 'field.q': ['搜索词', 'Search words'], 'field.revenueWan': ['年营收', 'Revenue'], 'field.role': ['身份', 'Role'],
  'field.sector': ['行业', 'Sector'], 'field.sectors': ['关注行业', 'Sectors'], 'field.services': ['服务', 'Services'], 'field.shares': ['比例目标', 'Share targets'],
  'field.since': ['起点', 'Since'], 'field.slots': ['路演项目', 'Pitch slots'], 'field.sort': ['排序', 'Sort'], 'field.spaceId': ['众创空间', 'Maker space'],
  'field.spaceIds': ['众创空间', 'Maker spaces'], 'field.stage': ['阶段', 'Stage'], 'field.stages': ['投资阶段', 'Stages'], 'field.startsAt': ['开始时间', 'Starts at'],
  'field.startupId': ['项目', 'Startup'], 'field.streamUrl': ['直播地址', 'Stream URL'], 'field.tags': ['标签', 'Tags'], 'field.targets': ['目标', 'Targets'],
  'field.team': ['团队', 'Team'], 'field.teamSize': ['团队人数', 'Team size'], 'field.title': ['标题', 'Title'], 'field.traction': ['进展与数据', 'Traction'],
  'field.type': ['类型', 'Type'], 'field.types': ['通知类型', 'Notification types'], 'field.url': ['网址', 'Address'], 'field.useOfFunds': ['资金用途', 'Use of funds'],
  'field.valuationWan': ['估值', 'Valuation'], 'field.visibility': ['观看范围', 'Who may watch'], 'field.website': ['网站', 'Website'], 'field.year': ['目标年份', 'Target year'],
}
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
