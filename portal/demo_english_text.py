"""English text of the demo content, by its Chinese source string (issue 12 item 8).

``portal.demo_english`` gives these to wagtail-localize as the English translations of the
strings it extracts from the demo's pages, placements and creatives, so editors find them in its
translation editor. Written by hand for overseas customers; a source string missing here stays
Chinese on the English page (the seed names it).
"""

ENGLISH: dict[str, str] = {
    # -- home page
    "锦程银行": "Jincheng Bank",
    "锦程银行 - 个人银行、公司银行、信用卡与财富管理": (
        "Jincheng Bank - Personal and Corporate Banking, Credit Cards and Wealth Management"
    ),
    "锦程银行官方网站：存款、贷款、信用卡、理财与便捷的网上银行服务。": (
        "The official website of Jincheng Bank: deposits, loans, credit cards, wealth "
        "management and convenient online banking."
    ),
    "让每一笔财富稳健成长": "Steady growth for every yuan you save",
    "锦程银行为个人、企业与小微客户提供存款、贷款、信用卡与财富管理服务，手机银行 7×24 小时在线。": (
        "Jincheng Bank offers deposits, loans, credit cards and wealth management to "
        "individuals, companies and small businesses, with mobile banking online 24/7."
    ),
    "开通手机银行": "Get mobile banking",
    "便捷服务": "Quick services",
    "网上银行": "Online banking",
    "手机银行": "Mobile banking",
    "网点查询": "Find a branch",
    "外汇牌价": "Exchange rates",
    "在线客服": "Chat with us",
    "投诉建议": "Complaints",
    "精选产品": "Featured products",
    "最新动态": "Latest news",
    # -- knowledge base
    "知识库": "Knowledge base",
    "开户、电子银行、信用卡、贷款与理财的常见问题解答。": (
        "Answers to common questions on accounts, digital banking, credit cards, loans and "
        "wealth management."
    ),
    "如何开通手机银行？": "How do I start using mobile banking?",
    "下载应用，用本人借记卡与预留手机号注册，几分钟即可开通。": (
        "Download the app and register with your own debit card and the mobile number you "
        "gave the bank: it takes a few minutes."
    ),
    "1. 在应用商店搜索“锦程银行”并下载；": (
        "1. Search for “Jincheng Bank” in your app store and download the app;"
    ),
    "2. 点击“注册”，输入本人借记卡号与预留手机号；": (
        "2. Tap “Register” and enter your debit card number and the mobile number you gave us;"
    ),
    "3. 完成短信验证与人脸识别，设置登录密码。": (
        "3. Complete the SMS check and face verification, then set your sign-in password."
    ),
    "信用卡还款方式有哪些？": "How can I repay my credit card?",
    "手机银行、自动还款、网点柜台与他行转账均可还款。": (
        "By mobile banking, automatic repayment, at a branch counter or by transfer from "
        "another bank."
    ),
    "您可通过手机银行“信用卡还款”、绑定借记卡自动还款、网点柜台或自助设备还款。请在到期还款日前还清最低还款额，以免影响信用记录。": (
        "You can repay with “Credit card repayment” in mobile banking, by automatic repayment "
        "from a linked debit card, at a branch counter or at a self-service machine. Pay at "
        "least the minimum amount by the due date so that your credit record is not affected."
    ),
    "忘记登录密码怎么办？": "What if I forget my sign-in password?",
    "在登录页点击“忘记密码”，验证身份后即可重置。": (
        "Click “Forgot password” on the sign-in page and reset it once we have verified who "
        "you are."
    ),
    "在手机银行或网上银行登录页点击“忘记密码”，输入证件号码与借记卡号，完成短信验证后设置新密码。": (
        "On the mobile or online banking sign-in page, click “Forgot password”, enter your ID "
        "number and debit card number, complete the SMS check and set a new password."
    ),
    "银行卡丢失如何挂失？": "How do I report a lost card?",
    "立即拨打 95568 或在手机银行办理临时挂失，再到网点补卡。": (
        "Call 95568 at once or block the card temporarily in mobile banking, then get a "
        "replacement at a branch."
    ),
    "发现银行卡丢失，请立即拨打 95568 或登录手机银行办理口头挂失，之后 5 日内携带身份证到任一网点办理正式挂失与补卡。": (
        "As soon as you notice a card is missing, call 95568 or sign in to mobile banking to "
        "block it. Within 5 days, bring your ID card to any branch to report the loss formally "
        "and get a replacement card."
    ),
    "转账限额是多少？如何调整？": "What are the transfer limits and how can I change them?",
    "限额与认证方式有关，可在手机银行“安全中心”调整。": (
        "Limits depend on how you confirm a transfer; change them under “Security centre” in "
        "mobile banking."
    ),
    "使用短信验证码时单日累计 5 万元；使用数字证书或 U 盾时单日累计最高 500 万元。可在手机银行“安全中心-限额管理”中调整。": (
        "With an SMS code, up to CNY 50,000 a day in total; with a digital certificate or USB "
        "key, up to CNY 5 million a day. Change them under “Security centre - Limits” in "
        "mobile banking."
    ),
    "如何开立个人银行账户？": "How do I open a personal bank account?",
    "携带本人有效身份证件到网点办理，或通过手机银行开立电子账户。": (
        "Bring your valid ID to a branch, or open an electronic account in mobile banking."
    ),
    "开立一类账户请携带本人有效身份证件到网点办理；二、三类电子账户可在手机银行在线开立，绑定本人其他银行账户即可使用。": (
        "To open a Class I account, bring your valid ID to a branch. Class II and III "
        "electronic accounts can be opened online in mobile banking and are ready to use once "
        "linked to another bank account in your name."
    ),
    "定期存款可以提前支取吗？": "Can I withdraw a time deposit early?",
    "可以，提前支取部分按支取日活期利率计息。": (
        "Yes. The amount withdrawn early earns the demand deposit rate of the day you withdraw."
    ),
    "定期存款可全部或部分提前支取一次，提前支取部分按支取日挂牌活期利率计息，未支取部分按原存单利率计息。": (
        "You may withdraw all or part of a time deposit early once. The amount withdrawn earns "
        "the posted demand deposit rate of the day of withdrawal; the rest keeps the original "
        "rate."
    ),
    "理财产品的风险等级是什么意思？": "What do the risk levels of wealth products mean?",
    "产品按 R1 至 R5 分级，请选择与您风险承受能力相匹配的产品。": (
        "Products are rated R1 to R5: choose one that matches your risk tolerance."
    ),
    "理财产品按风险由低到高分为 R1（谨慎型）至 R5（激进型）。购买前需完成风险承受能力评估，只能购买不高于自身评估等级的产品。": (
        "Wealth products are rated from R1 (cautious) to R5 (aggressive), lowest risk first. "
        "Before buying you complete a risk tolerance assessment, and you may only buy products "
        "rated no higher than your assessed level."
    ),
    "申请个人贷款需要准备哪些材料？": "What documents do I need for a personal loan?",
    "身份证件、收入证明、用途证明，房贷还需购房合同。": (
        "ID, proof of income and proof of purpose; a mortgage also needs the purchase contract."
    ),
    "一般需要本人身份证件、收入证明或银行流水、贷款用途证明；申请住房贷款还需提供购房合同与首付款凭证。": (
        "Usually your ID, proof of income or bank statements, and proof of what the loan is "
        "for; a mortgage application also needs the purchase contract and proof of the down "
        "payment."
    ),
    "个人购汇额度是多少？": "How much foreign currency can I buy each year?",
    "每人每年便利化额度为等值 5 万美元。": (
        "The annual allowance is the equivalent of USD 50,000 per person."
    ),
    "境内个人每人每年购汇便利化额度为等值 5 万美元，可通过手机银行或网点办理，需如实申报用途。": (
        "Residents of mainland China may buy the equivalent of USD 50,000 a year each, in "
        "mobile banking or at a branch, stating truthfully what it is for."
    ),
    # -- product catalogue and customer groups
    "个人业务": "Personal banking",
    "存款、贷款、信用卡、理财与支付，一站满足您和家人的日常金融需要。": (
        "Deposits, loans, credit cards, wealth and payments: everyday banking for you and your "
        "family in one place."
    ),
    "公司业务": "Corporate banking",
    "为企业提供结算、融资、现金管理与代发服务，助力企业稳健经营。": (
        "Settlement, financing, cash management and payroll services that help companies run "
        "steadily."
    ),
    "小微企业": "Small business",
    "小微快贷、经营贷与收款结算，线上申请，快速到账，陪伴小微企业成长。": (
        "Quick loans, business loans and payment collection for small businesses: apply online "
        "and get funds fast as you grow."
    ),
    "私人银行": "Private banking",
    "专属客户经理与投资顾问团队，为高净值客户提供资产配置与财富传承服务。": (
        "A dedicated relationship manager and advisory team for asset allocation and wealth "
        "succession for high-net-worth clients."
    ),
    "全部产品": "All products",
    "全部产品 - 存款、贷款、信用卡、理财与保险基金": (
        "All products - deposits, loans, credit cards, wealth, insurance and funds"
    ),
    "锦程银行全部产品：按客户类型、产品类型与风险等级筛选存款、贷款、信用卡、理财、保险基金与结算产品。": (
        "All Jincheng Bank products: filter deposits, loans, credit cards, wealth, insurance, "
        "funds and settlement products by customer type, product type and risk level."
    ),
    "按客户类型、产品类型与风险等级查找适合您的产品。理财非存款，产品有风险，投资须谨慎。": (
        "Find products that suit you by customer type, product type and risk level. Wealth "
        "products are not deposits and carry risk; invest with care."
    ),
    # -- product pages: shared labels
    "年利率（1年期）": "Annual rate (1 year)",
    "年利率（3年期）": "Annual rate (3 years)",
    "年利率": "Annual rate",
    "参考年利率": "Indicative annual rate",
    "参考年化利率": "Indicative annualised rate",
    "预期年化收益率": "Expected annualised return",
    "七日年化收益率": "7-day annualised yield",
    "业绩比较基准（年化）": "Performance benchmark (annualised)",
    "无": "None",
    "产品特色": "Features",
    "常见问题": "Frequently asked questions",
    "立即申请": "Apply now",
    "预约存款": "Book a deposit",
    "预约购买": "Book a purchase",
    "预约咨询": "Book a consultation",
    "预约办理": "Book an appointment",
    "预约客户经理": "Book a relationship manager",
    "预约开户": "Book an account opening",
    "申请开通": "Apply",
    "预约投资顾问": "Book an investment adviser",
    "以保险合同为准。": "As set out in the insurance contract.",
    "无固定期限": "No fixed term",
    "需完成风险承受能力评估": "A risk tolerance assessment is required",
    "持有本人有效身份证件": "Holds valid ID of their own",
    "年满18周岁的中国大陆居民": "Residents of mainland China aged 18 or over",
    "1年": "1 year",
    "2年": "2 years",
    "3年": "3 years",
    "180天": "180 days",
    "1年-3年": "1 to 3 years",
    "1年-10年": "1 to 10 years",
    "1年-30年": "1 to 30 years",
    "3个月-5年": "3 months to 5 years",
    "1个月-3年": "1 month to 3 years",
    "6个月-3年": "6 months to 3 years",
    "7天滚动": "Rolling 7 days",
    "7天通知": "7 days' notice",
    "1年（可续签）": "1 year (renewable)",
    "1年（可循环）": "1 year (revolving)",
    "缴费5年-20年": "Premiums paid over 5 to 20 years",
    "卡片有效期5年": "Card valid for 5 years",
    "封闭期1年，之后每月开放": "Closed for 1 year, then open monthly",
    # -- personal banking products
    "整存整取定期存款": "Lump-sum time deposit",
    "一次存入、到期支取，期限灵活，收益稳定。": (
        "Deposit once and withdraw at maturity: flexible terms and a steady return."
    ),
    "人民币整存整取定期存款挂牌利率（2026年11月起执行）": (
        "Posted rates of RMB lump-sum time deposits (from November 2026)"
    ),
    "以上利率仅供参考，以办理时网点挂牌利率为准。": (
        "These rates are for reference only; the rate posted at the branch on the day applies."
    ),
    "大额存单": "Large certificate of deposit",
    "20万元起存，利率高于同期定期存款，可转让。": (
        "From CNY 200,000, at a higher rate than a time deposit of the same term; transferable."
    ),
    "个人住房贷款": "Home loan",
    "首套、二套住房购房贷款，期限最长30年。": (
        "Loans for a first or second home, for up to 30 years."
    ),
    "无贷款手续费；抵押登记费按政府规定收取。": (
        "No loan fee; the mortgage registration fee is charged as set by the government."
    ),
    "年满18周岁，具有完全民事行为能力": "Aged 18 or over with full legal capacity",
    "有稳定收入和良好信用记录": "A stable income and a good credit record",
    "已签订购房合同并支付首付款": "A signed purchase contract and the down payment made",
    "个人消费贷款": "Personal consumer loan",
    "装修、教育、旅游等消费用途，线上申请最快当天放款。": (
        "For home improvement, education, travel and more: apply online and get the money as "
        "soon as the same day."
    ),
    "年满22周岁": "Aged 22 or over",
    "本行代发工资或公积金连续缴存满12个月": (
        "Salary paid through this bank, or 12 months of continuous housing fund contributions"
    ),
    "白金信用卡": "Platinum credit card",
    "高额度、机场贵宾厅、全球消费返现，尊享品质生活。": (
        "A high limit, airport lounges and cash back on spending worldwide."
    ),
    "年费3600元，年消费满20万元免次年年费。": (
        "Annual fee CNY 3,600, waived for the next year after CNY 200,000 of spending in a year."
    ),
    "年满22周岁，有稳定收入": "Aged 22 or over with a stable income",
    "年收入20万元以上或本行资产50万元以上": (
        "Annual income over CNY 200,000 or over CNY 500,000 in assets with this bank"
    ),
    "青年信用卡": "Youth credit card",
    "专为18-30岁年轻人设计，免年费，支付返积分。": (
        "Designed for 18 to 30-year-olds: no annual fee and points on every payment."
    ),
    "免年费；取现手续费为取现金额的1%，最低10元。": (
        "No annual fee; cash withdrawals cost 1% of the amount, at least CNY 10."
    ),
    "年满18周岁、30周岁以下": "Aged 18 to 29",
    "在校大学生需提供第二还款来源": "University students need a second source of repayment",
    "稳盈理财": "Steady Return wealth product",
    "固收类理财，R2稳健风险，适合追求稳定收益的客户。": (
        "A fixed-income product rated R2 (moderate risk) for customers who want a steady return."
    ),
    "销售费0.30%/年，托管费0.02%/年。": "Sales fee 0.30% a year, custody fee 0.02% a year.",
    "风险承受能力评估为稳健型（C2）及以上": "Risk tolerance assessed as moderate (C2) or higher",
    "代销货币基金": "Money market fund (distributed)",
    "流动性好、风险低，工作日可快速赎回。": (
        "Liquid and low-risk, with quick redemption on working days."
    ),
    "无申购赎回费；管理费0.15%/年。": (
        "No subscription or redemption fee; management fee 0.15% a year."
    ),
    "个人养老保险": "Personal pension insurance",
    "代销合作保险公司的养老年金保险，为退休生活储备现金流。": (
        "Pension annuity insurance from our partner insurers, distributed by the bank, for an "
        "income in retirement."
    ),
    "投保年龄18-60周岁": "Aged 18 to 60 when insured",
    "个人跨境汇款": "Cross-border remittance",
    "手机银行办理境外汇款，费用透明，进度可查。": (
        "Send money abroad in mobile banking, with clear fees and progress you can track."
    ),
    "手续费为汇款金额的0.1%，最低20元、最高200元；另收电讯费80元/笔。": (
        "Fee 0.1% of the amount, at least CNY 20 and at most CNY 200, plus a CNY 80 wire fee "
        "per transfer."
    ),
    "持有本行借记卡": "Holds a debit card of this bank",
    "符合国家外汇管理规定的用途": "A purpose allowed by China's foreign exchange rules",
    # -- corporate banking products
    "单位协定存款": "Corporate agreement deposit",
    "结算账户超出基本额度的部分按协定利率计息。": (
        "Balances above the base amount of the settlement account earn the agreed rate."
    ),
    "在本行开立基本或一般结算账户的企事业单位": (
        "Companies and institutions with a basic or general settlement account at this bank"
    ),
    "流动资金贷款": "Working capital loan",
    "满足企业日常经营周转资金需要。": "Funds for a company's day-to-day operations.",
    "依法登记、持续经营满2年的企业": "Registered companies in business for at least 2 years",
    "信用记录良好，财务状况健康": "A good credit record and sound finances",
    "企业结算账户": "Corporate settlement account",
    "基本户、一般户开立，网银、回单、对账一站式服务。": (
        "Basic and general accounts with online banking, receipts and reconciliation in one place."
    ),
    "开户免费；账户管理费免收；跨行转账按笔收费，详见服务价目表。": (
        "Free to open and no account fee; transfers to other banks are charged per transfer "
        "(see the price list)."
    ),
    "依法登记的企业、事业单位和其他组织": (
        "Registered companies, public institutions and other organisations"
    ),
    "对公代发工资": "Corporate payroll service",
    "批量代发工资、奖金与报销款，员工享专属优惠。": (
        "Pay salaries, bonuses and expenses in bulk, with special offers for your staff."
    ),
    "本行账户免费；跨行代发每笔1元。": (
        "Free to accounts at this bank; CNY 1 per payment to other banks."
    ),
    "在本行开立结算账户的单位": "Organisations with a settlement account at this bank",
    "公务信用卡": "Business credit card",
    "企业差旅与公务支出管理，消费明细一目了然。": (
        "Manage business travel and expenses, with every transaction itemised."
    ),
    "年费200元/卡，单位申请满10张免年费。": (
        "Annual fee CNY 200 per card, waived when an organisation applies for 10 cards or more."
    ),
    "在本行开立结算账户的企事业单位": (
        "Companies and institutions with a settlement account at this bank"
    ),
    "单位为持卡人统一申请": "The organisation applies for its cardholders",
    "对公稳利理财": "Corporate Steady Income wealth product",
    "企业闲置资金的稳健配置选择。": "A steady home for a company's idle funds.",
    "销售费0.20%/年。": "Sales fee 0.20% a year.",
    "经风险评估的机构客户": "Institutional clients who have completed a risk assessment",
    # -- small business products
    "小微快贷": "Small business quick loan",
    "纯信用、线上申请，最高100万元，随借随还。": (
        "Unsecured and applied for online: up to CNY 1 million, borrow and repay any time."
    ),
    "企业或个体工商户正常经营满1年": (
        "A company or sole trader in regular business for at least 1 year"
    ),
    "企业主年龄18-65周岁，征信良好": "Owner aged 18 to 65 with a good credit report",
    "经营贷": "Business operating loan",
    "以房产抵押为主，额度高、期限长，支持企业扩大经营。": (
        "Mainly secured on property, with a high limit and a long term to help a business grow."
    ),
    "抵押登记费按规定收取。": "The mortgage registration fee is charged as required by law.",
    "小微企业主或个体工商户": "Small business owners or sole traders",
    "提供本人或家庭名下房产作为抵押": "Property owned by you or your family as collateral",
    "七天通知存款": "7-day notice deposit",
    "5万元起存，提前7天通知即可支取，兼顾收益与流动性。": (
        "From CNY 50,000; withdraw with 7 days' notice, balancing return and access."
    ),
    "企业、个体工商户及个人均可办理": "Open to companies, sole traders and individuals",
    "商户收款码": "Merchant payment QR code",
    "聚合收款码，支持微信、支付宝、云闪付，资金T+1到账。": (
        "One QR code for WeChat Pay, Alipay and UnionPay QuickPass; funds arrive the next "
        "working day."
    ),
    "费率0.38%，小微商户首年费率优惠至0.25%。": (
        "Fee 0.38%, reduced to 0.25% in the first year for small merchants."
    ),
    "持有营业执照的小微企业或个体工商户": (
        "Small businesses or sole traders with a business licence"
    ),
    # -- private banking products
    "私行尊享理财": "Private Banking Exclusive wealth product",
    "私行客户专属，股债均衡配置，追求长期稳健增值。": (
        "For private banking clients only: a balanced mix of equities and bonds for steady "
        "long-term growth."
    ),
    "销售费0.50%/年，超额业绩报酬20%。": (
        "Sales fee 0.50% a year and a 20% performance fee on returns above the benchmark."
    ),
    "本行私人银行客户（金融资产600万元以上）": (
        "Private banking clients of this bank (financial assets over CNY 6 million)"
    ),
    "风险承受能力评估为进取型（C4）及以上": ("Risk tolerance assessed as growth (C4) or higher"),
    "私行稳健固收": "Private Banking Steady Fixed Income",
    "以高等级债券为主的固定收益产品，波动较小。": (
        "A fixed-income product invested mainly in high-grade bonds, with low volatility."
    ),
    "销售费0.40%/年。": "Sales fee 0.40% a year.",
    "本行私人银行客户": "Private banking clients of this bank",
    "风险承受能力评估为平衡型（C3）及以上": "Risk tolerance assessed as balanced (C3) or higher",
    "代销私募证券投资基金": "Private securities investment fund (distributed)",
    "甄选优秀私募管理人，追求较高长期回报。": (
        "Carefully chosen private fund managers aiming for higher long-term returns."
    ),
    "认购费1%，管理费1.5%/年，业绩报酬20%。": (
        "Subscription fee 1%, management fee 1.5% a year, performance fee 20%."
    ),
    "符合《私募投资基金监督管理暂行办法》的合格投资者": (
        "Qualified investors under the Interim Measures for the Supervision of Private "
        "Investment Funds"
    ),
    "风险承受能力评估为激进型（C5）": "Risk tolerance assessed as aggressive (C5)",
    "私行专享大额存单": "Private Banking large certificate of deposit",
    "私人银行客户专属额度，利率上浮。": (
        "A quota reserved for private banking clients, at a higher rate."
    ),
    # -- placements' default content
    "首页头图": "Home page hero",
    "首页横条": "Home page strip",
    "产品页侧栏": "Product page sidebar",
    "联系我们侧栏": "Contact page sidebar",
    "社区横幅": "Community banner",
    "用心服务每一位客户": "Caring service for every customer",
    "<p>存款、贷款、信用卡、理财，一站办理。</p>": (
        "<p>Deposits, loans, credit cards and wealth, all in one place.</p>"
    ),
    "存款、贷款、信用卡、理财，一站办理。": (
        "Deposits, loans, credit cards and wealth, all in one place."
    ),
    "查看全部产品": "See all products",
    "手机银行，随时随地": "Mobile banking, wherever you are",
    "转账、理财、缴费，7×24 小时在线。": "Transfers, wealth and bill payments, online 24/7.",
    "需要帮助？": "Need help?",
    "客服热线 95568，或到附近网点咨询。": (
        "Call our hotline on 95568, or ask at a branch near you."
    ),
    "预约网点服务": "Book a branch visit",
    "线上预约大额取现、开户等业务，到店少排队。": (
        "Book large cash withdrawals, account opening and more online, and queue less at the "
        "branch."
    ),
    "查找网点": "Find a branch",
    "欢迎来到客户社区": "Welcome to the customer community",
    "提问、分享经验，专业人员为您解答。": (
        "Ask questions and share experience; our specialists answer."
    ),
    # -- creatives
    "成都夜生活，刷卡享五折": "Chengdu nights: half price with your card",
    "每晚 18 点后在川内合作商户用信用卡消费，享受餐饮五折优惠。": (
        "Pay by credit card at partner restaurants in Sichuan after 6 pm and get half off."
    ),
    "立即了解": "Find out more",
    "新客办卡，首年免年费": "New customers: no annual fee in the first year",
    "在线申请，最快当天审批，首刷礼等你拿。": (
        "Apply online, get approved as soon as the same day, and a gift for your first purchase."
    ),
    "在线申请信用卡": "Apply for a credit card online",
    "周末理财，稳健增值": "Weekend wealth, steady growth",
    "低风险理财产品，周末也能轻松购买。理财非存款，投资需谨慎。": (
        "Low-risk wealth products you can buy at the weekend too. Wealth products are not "
        "deposits; invest with care."
    ),
    "看看理财产品": "See wealth products",
    "私人银行，专属财富规划": "Private banking: wealth planning just for you",
    "一对一客户经理，为您和家人量身定制资产配置方案。": (
        "A dedicated relationship manager designs an asset allocation for you and your family."
    ),
    "预约私人银行顾问": "Book a private banking adviser",
    "小微企业贷款，随借随还": "Small business loans: borrow and repay any time",
    "纯信用、免抵押，最高 300 万元，按日计息。": (
        "Unsecured, no collateral, up to CNY 3 million, with interest charged daily."
    ),
    "了解小微贷款": "About small business loans",
    "尊敬的贵宾，专属礼遇已备好": "Dear VIP, your privileges are ready",
    "机场贵宾厅、专属客户经理与优先服务通道。": (
        "Airport lounges, a dedicated relationship manager and priority service."
    ),
    "查看贵宾权益": "See VIP privileges",
    "初次见面，送您新人礼包": "Nice to meet you: a welcome pack for new customers",
    "开户即享存款加息券和手机银行新手任务奖励。": (
        "Open an account for a deposit rate boost coupon and rewards for getting started with "
        "mobile banking."
    ),
    "开启新手之旅": "Get started",
    "抽象装饰图案": "Abstract decorative pattern",
    # creative names (the admin's; wagtail-localize translates them with the rest)
    "四川晚间手机访客 · 创意": "Sichuan evening mobile visitors · creative",
    "百度搜索“信用卡”的访客 · 创意": "Visitors searching Baidu for “credit card” · creative",
    "周末浏览理财的访客 · 创意": "Weekend wealth browsers · creative",
    "高收入潜在私行客户 · 创意": "High-income private banking prospects · creative",
    "小微企业主 · 创意": "Small business owners · creative",
    "CRM 贵宾客户 · 创意": "CRM VIP customers · creative",
    "首次来访的访客 · 创意": "First-time visitors · creative",
    # placements' descriptions (for editors) and the experiment demo's second creatives
    "首页顶部的大幅推广位。": "The large promotion slot at the top of the home page.",
    "首页中部的通栏提示。": "The full-width strip in the middle of the home page.",
    "产品详情页右侧的推荐位。": "The promotion slot on the right of product pages.",
    "联系我们页面右侧的推荐位。": "The promotion slot on the right of the contact page.",
    "社区页面顶部的横幅。": "The banner at the top of community pages.",
    "首次来访的访客 · 创意 B": "First-time visitors · creative B",
    "高收入潜在客户 · 创意 B": "High-income prospects · creative B",
    "新客专享：存款加息券，手机银行开户即领": (
        "For new customers: a deposit rate boost coupon when you open an account in mobile banking"
    ),
    "三分钟开户，加息券当天到账。": (
        "Open an account in three minutes and get the coupon the same day."
    ),
    "立即领取": "Claim now",
    "私人银行顾问，一对一规划您的财富": "A private banking adviser to plan your wealth with you",
    "预约专属顾问，获取资产配置建议。": ("Book your own adviser for advice on asset allocation."),
    "预约顾问": "Book an adviser",
    # site settings: brand, menu, footer
    "锦程银行 · 稳健、专业、贴心": "Jincheng Bank · steady, expert, caring",
    "客服热线 7×24 小时服务": "Customer service hotline, 24/7",
    "新闻": "News",
    "社区": "Community",
    "关于我们": "About us",
    "银行简介": "About the bank",
    "联系我们": "Contact us",
    "电子银行": "Digital banking",
    "帮助中心": "Help centre",
    "新闻公告": "News and notices",
    "隐私与个人信息": "Privacy and personal data",
    "官方微信": "WeChat",
    "官方微博": "Weibo",
    "示ICP备00000000号": "ICP licence (demo) 00000000",
    (
        "© 锦程银行（演示站点，虚构机构）版权所有。\n"
        "理财非存款，产品有风险，投资须谨慎。本网站内容仅为演示，不构成任何要约。"
    ): (
        "© Jincheng Bank (a demo site of a fictional bank). All rights reserved.\n"
        "Wealth products are not deposits and carry risk; invest with care. This site is a "
        "demonstration and no offer of any kind."
    ),
}


PRODUCT_BODY: dict[str, str] = {
    # -- product pages' feature lists, rate tables and FAQs (products/demo.py)
    "100万元起投。": "From CNY 1 million.",
    "1元起购": "From CNY 1",
    "3个月": "3 months",
    "6个月": "6 months",
    "5年": "5 years",
    "50元起存。": "Open one with CNY 50.",
    "7x24小时提交汇款申请。": "Send a transfer request at any hour, any day.",
    "80%以上投资于固定收益类资产。": "Over 80% invested in fixed-income assets.",
    "一次上传，全员到账。": "Upload once and every employee is paid.",
    "一码收款": "One code for every payment",
    "专属配置": "Tailored allocation",
    "专属额度": "Reserved allocation",
    "严选管理人": "Carefully chosen managers",
    "个税优惠": "Income tax relief",
    "主流支付方式一码通收。": "Take every major payment method with one QR code.",
    "主要投资于债券、存款等固定收益类资产。": "Invests mainly in bonds, deposits and other fixed-income assets.",
    "付款、对账、回单打印全在线。": "Pay, reconcile and print receipts online.",
    "代发员工享信用卡和消费贷优惠。": "Employees paid through us get credit card and personal loan offers.",
    "以产品合同为准。货币基金一般工作日可赎回，保险产品退保可能有损失。": (
        "As the product contract says. Money market funds can usually be redeemed on working "
        "days; surrendering an insurance policy may cost you money."
    ),
    "企业统一设置额度与用途。": "The company sets limits and uses for every card.",
    "企业网银": "Corporate online banking",
    "信用、保证、抵押、质押均可。": "Unsecured, guaranteed, mortgaged or pledged.",
    "利率上浮": "Higher rate",
    "利率更高": "A better rate",
    "利率稳定": "A fixed rate",
    "利率高于同期限普通定期存款。": "A higher rate than an ordinary time deposit of the same term.",
    "到账快": "Fast arrival",
    "可以。提前支取部分按支取日活期利率计息，未支取部分仍按原利率计息。": (
        "Yes. The amount you withdraw early earns the demand deposit rate of the day you "
        "withdraw it; the rest keeps its original rate."
    ),
    "可以提前支取吗？": "Can I withdraw early?",
    "可以提前还款吗？": "Can I repay early?",
    "可以随时赎回吗？": "Can I redeem at any time?",
    "可以，部分产品提前还款需提前预约，具体以合同约定为准。": (
        "Yes. Some products need you to book an early repayment in advance; your contract "
        "has the details."
    ),
    "可办理存单质押贷款。": "Can be pledged for a loan.",
    "可质押": "Can be pledged",
    "可转让": "Transferable",
    "合格投资者专属": "For qualified investors only",
    "员工福利": "Employee benefits",
    "周末线上消费双倍积分。": "Double points on online spending at weekends.",
    "境外消费最高返现2%。": "Up to 2% cash back on spending abroad.",
    "多久能收到卡片？": "When will my card arrive?",
    "多元资产": "Diversified assets",
    "多维度尽职调查，持续跟踪。": "Thorough due diligence and continuous monitoring.",
    "如何开通？": "How do I sign up?",
    "如何还款？": "How do I repay?",
    "存期内利率固定，不受市场波动影响。": "The rate is fixed for the term, whatever the market does.",
    "存款安全吗？": "Is my deposit safe?",
    "定期开放": "Regular opening windows",
    "审批通过后一般7个工作日内寄出，您可在手机银行查询进度。": (
        "Usually posted within 7 working days of approval; follow it in mobile banking."
    ),
    "工作日快速赎回，最快实时到账。": "Fast redemption on working days, in real time at best.",
    "手机银行填写资料，最快当天放款。": "Apply in mobile banking; funds the same day at best.",
    "手机银行随时查看审批进度。": "Follow the approval in mobile banking at any time.",
    "批量代发": "Bulk payments",
    "投资于高等级债券与货币市场工具。": "Invests in high-grade bonds and money market instruments.",
    "投资顾问团队一对一服务。": "One-to-one service from our investment advisers.",
    "担保方式多样": "Flexible security",
    "按员工、部门出具消费报表。": "Spending reports by employee and department.",
    "按周开放": "Weekly opening",
    "按季分红": "Quarterly distributions",
    "按日计息，不用不计息。": "Interest by the day, and none on what you do not use.",
    "按日计息，提前还款无违约金。": "Interest by the day, no fee for repaying early.",
    "提前7天通知，随时可用。": "Give 7 days' notice and withdraw when you need to.",
    "携带营业执照等资料到网点办理，或在网上银行提交预约后由客户经理联系。": (
        "Bring your business licence and papers to a branch, or book in online banking and a "
        "relationship manager will contact you."
    ),
    "支持在手机银行转让，提前变现。": "Transfer it in mobile banking to cash it in early.",
    "支持手机银行、网上银行、自动还款和网点柜台等多种还款方式。": (
        "By mobile banking, online banking, automatic repayment or at a branch counter."
    ),
    "收益提升": "Better returns",
    "收益高于活期": "Earns more than a current account",
    "收费标准在哪里查询？": "Where can I find the fees?",
    "无需刷卡达标。": "No minimum spending.",
    "无需抵押担保。": "No collateral or guarantor needed.",
    "明细清晰": "Clear statements",
    "最快当天到账": "Same-day arrival at best",
    "最长10年，可先息后本。": "Up to 10 years, interest-only first if you wish.",
    "最长可贷30年，月供压力小。": "Up to 30 years, for lighter monthly payments.",
    "最高1000万元。": "Up to CNY 10 million.",
    "最高额度30万元。": "Up to CNY 300,000.",
    "期限长": "Long terms",
    "本行为代销机构，产品由合作的保险公司或基金公司发行和管理。": (
        "We distribute these products; partner insurers and fund companies issue and manage them."
    ),
    "本行存款受《存款保险条例》保护，同一存款人在本行的存款本息合计50万元以内全额偿付。": (
        "Deposits with us are protected by the Deposit Insurance Regulations: up to CNY 500,000 "
        "of principal and interest per depositor is repaid in full."
    ),
    "机场贵宾厅": "Airport lounges",
    "每180天开放一次申购赎回。": "Open for subscriptions and redemptions every 180 days.",
    "每周开放，兼顾流动性。": "Opens weekly, so your money stays within reach.",
    "每季度分配收益。": "Returns paid out every quarter.",
    "每年6次国内机场贵宾厅服务。": "Six domestic airport lounge visits a year.",
    "汇款状态实时推送。": "Live updates on your transfer.",
    "消费返现": "Cash back",
    "灵活支取": "Flexible withdrawals",
    "理财产品保本吗？": "Is my capital guaranteed?",
    "理财非存款，产品有风险，投资须谨慎。业绩比较基准不代表实际收益。": (
        "Wealth products are not deposits and carry risk; invest with care. The performance "
        "benchmark is not a promise of actual returns."
    ),
    "私行客户专享发行额度。": "An issue reserved for private banking clients.",
    "积分加倍": "Double points",
    "稳健为主": "Steady first",
    "稳健收益": "Steady returns",
    "稳健配置": "Balanced allocation",
    "符合条件可享受个人养老金税收优惠。": "Eligible customers get personal pension tax relief.",
    "等额本息、等额本金任选。": "Equal instalments or equal principal, as you prefer.",
    "约定年龄起按月或按年领取养老金。": "A monthly or yearly pension from the age you choose.",
    "纯信用": "Unsecured",
    "线上办理": "Online service",
    "线上申请": "Apply online",
    "线上申请，系统自动审批。": "Apply online for an automatic decision.",
    "线上预约，网点一次办结。": "Book online and finish in one branch visit.",
    "终身免年费": "No annual fee, ever",
    "终身领取": "Paid for life",
    "结算不受影响": "Payments unaffected",
    "统一管理": "Central control",
    "股票、债券、另类资产均衡配置。": "A balanced mix of shares, bonds and alternative assets.",
    "详见本行服务价目表，部分费用在优惠期内减免。": (
        "In our price list; some fees are waived during promotions."
    ),
    "谁是产品的管理人？": "Who manages the product?",
    "购买前需要做什么？": "What do I need to do before buying?",
    "资金T+1自动结算到账。": "Funds settle automatically the next working day.",
    "资金随用随取，不影响日常结算。": "Use the money when you need it without disturbing payments.",
    "起存门槛低": "A low minimum",
    "超额部分享受协定存款利率。": "The balance above the agreed amount earns the agreement rate.",
    "身份证明、收入或经营证明、贷款用途证明等，客户经理会根据您的情况告知。": (
        "Proof of identity, of income or business, and of what the loan is for; your "
        "relationship manager will tell you what your case needs."
    ),
    "还款方式灵活": "Flexible repayment",
    "进度可查": "Track your application",
    "进度追踪": "Progress tracking",
    "适合短期闲置资金。": "For money you will not need for a while.",
    "随借随还": "Borrow and repay any time",
    "随存随取": "Deposit and withdraw any time",
    "零钱理财好帮手。": "A handy home for spare cash.",
    "需要准备哪些材料？": "What documents do I need?",
    "额度内随借随还、循环使用。": "Borrow and repay within your limit, again and again.",
    "额度循环": "Revolving limit",
    "额度高": "High limit",
    "首次购买前需完成风险承受能力评估，只能购买与评估结果相匹配的产品。": (
        "Complete a risk tolerance assessment before your first purchase; you may buy only "
        "products that match its result."
    ),
    "高于普通大额存单利率。": "A higher rate than ordinary large-denomination CDs.",
    "高额度": "High limit",
}

ENGLISH.update(PRODUCT_BODY)


PAGES: dict[str, str] = {
    # -- standard pages, news and the complaints entry page (portal/demo.py)
    "11 月 23 日 0:00-6:00 系统升级，期间网上银行与手机银行暂停服务。": (
        "System upgrade on 23 November, 0:00-6:00: online and mobile banking will be unavailable."
    ),
    "<b>受理</b>：收到投诉后立即生成受理编号（以 TS 开头），通过短信或站内消息告知您。": (
        "<b>Acknowledgement</b>: your complaint gets a tracking number (starting with TS) at "
        "once, sent to you by text message or in your messages."
    ),
    "<b>处理决定</b>：自受理之日起 15 日内作出处理决定并告知您；情况复杂的，经批准可延长至 30 日，我们会告知延长理由。": (
        "<b>Decision</b>: we decide and tell you within 15 days of acknowledgement; complex "
        "cases may be extended to 30 days with approval, and we tell you why."
    ),
    '<b>客服热线</b>：<a id="a1">95568</a>（7×24 小时），按提示转人工服务。': (
        '<b>Customer service hotline</b>: <a id="a1">95568</a> (24/7); follow the prompts '
        "to speak to an agent."
    ),
    "<b>申请核查</b>：对处理决定有异议的，可自收到决定之日起 30 日内申请核查，我们将在 30 日内答复。": (
        "<b>Review</b>: if you disagree with the decision, ask for a review within 30 days of "
        "receiving it; we reply within 30 days."
    ),
    "<b>网上投诉</b>：登录后在线填写，可上传照片或 PDF 凭证。": (
        "<b>Online</b>: sign in and fill in the form; you can upload photos or PDF evidence."
    ),
    "<b>营业网点</b>：到任一网点向大堂经理提出，工作人员当场登记并打印回执。": (
        "<b>At a branch</b>: tell the lobby manager at any branch; staff record it on the spot "
        "and print you a receipt."
    ),
    "<b>首次联系</b>：客服专员在 24 小时内与您联系，核实情况。": (
        "<b>First contact</b>: a customer service officer contacts you within 24 hours to "
        "check the facts."
    ),
    "个人网上银行支持账户查询、转账汇款、缴费支付、理财与基金购买等服务。首次登录请使用借记卡号与查询密码，并按提示设置登录密码。": (
        "Personal online banking lets you check accounts, make transfers, pay bills and buy "
        "wealth products and funds. The first time, sign in with your debit card number and "
        "enquiry PIN, then set a sign-in password as prompted."
    ),
    "为提升服务质量，我行将于 2026 年 11 月 23 日 0:00 至 6:00 进行系统升级。期间网上银行、手机银行、自助设备的部分功能暂停服务，给您带来不便，敬请谅解。": (
        "To improve our service we will upgrade our systems on 23 November 2026 from 0:00 to "
        "6:00. Some functions of online banking, mobile banking and self-service machines will "
        "be unavailable meanwhile. We apologise for the inconvenience."
    ),
    "主要外币的现汇与现钞买入卖出价（演示数据，每 100 外币折合人民币）。": (
        "Buying and selling rates of the main foreign currencies, for transfers and cash (demo "
        "data, CNY per 100 units)."
    ),
    "以上牌价仅供参考，以实际交易时为准。": (
        "Rates are for reference only; the rate at the time of the transaction applies."
    ),
    "以客户为中心，围绕主营业务开展营销，以新技术重塑服务。锦程银行为个人、公司、小微企业与私人银行客户提供全面的金融服务。": (
        "Customers first, focused on our core business, with new technology reshaping our "
        "service. Jincheng Bank offers a full range of financial services to individuals, "
        "companies, small businesses and private banking clients."
    ),
    "使用短信验证码时单日累计 5 万元，使用数字证书时单日累计 50 万元。": (
        "CNY 50,000 a day with a text message code, CNY 500,000 a day with a digital certificate."
    ),
    "依据《商业银行服务价格管理办法》，现将我行服务价格信息予以公示。个人客户通过手机银行、网上银行办理境内人民币转账免收手续费。": (
        "As the Measures on Commercial Bank Service Prices require, we publish our service "
        "prices. Personal customers pay no fee for domestic CNY transfers in mobile or online "
        "banking."
    ),
    "依据相关规定，公示我行各项服务收费项目、标准与依据。": (
        "Our service fees, their amounts and their basis, published as the rules require."
    ),
    "元旦假期期间部分网点调整营业时间，电子渠道正常服务。": (
        "Some branches change their hours over New Year; digital channels work as usual."
    ),
    "元旦假期期间，我行部分营业网点调整营业时间，手机银行、网上银行与自助设备正常提供服务。": (
        "Over the New Year holiday some of our branches change their opening hours; mobile "
        "banking, online banking and self-service machines work as usual."
    ),
    "元旦假期营业安排公告": "New Year holiday opening hours",
    "全国营业网点与自助设备的地址与营业时间。": (
        "Addresses and opening hours of our branches and self-service machines nationwide."
    ),
    "全新界面、智能客服与适老化大字版，让金融服务更简单。": (
        "A new design, a smart assistant and a large-text mode make banking simpler."
    ),
    "关于调整人民币存款利率的公告": "Notice of changes to CNY deposit rates",
    "关于锦程银行": "About Jincheng Bank",
    "关于防范电信网络诈骗的风险提示": "Warning: beware of phone and online fraud",
    "在手机应用商店搜索“锦程银行”下载手机银行，使用本人借记卡与预留手机号即可注册。": (
        "Search for \u201cJincheng Bank\u201d in your app store, install mobile banking and "
        "register with your debit card and the phone number you gave us."
    ),
    "在新手机登录时通过短信验证码与人脸识别完成设备绑定即可。": (
        "Sign in on the new phone and link it with a text message code and face recognition."
    ),
    "在线投诉": "Complain online",
    "处理流程与时限": "Steps and time limits",
    "如何向锦程银行投诉、处理时限与进度查询：客服热线 95568，受理后 15 日内答复。": (
        "How to complain to Jincheng Bank, our time limits and how to follow your complaint: "
        "hotline 95568, a reply within 15 days of acknowledgement."
    ),
    "如何开通": "How to sign up",
    "客服热线 95568，7×24 小时为您服务；也可在线留言或到网点咨询。": (
        "Call 95568, 24/7; or leave us a message online or visit a branch."
    ),
    '客服热线：<a id="a1">95568</a>（7×24 小时）。信用卡专线：400-000-0000。': (
        'Customer service: <a id="a1">95568</a> (24/7). Credit cards: 400-000-0000.'
    ),
    "对处理结果不满意": "If you are not satisfied",
    "对我们的产品或服务不满意，请告诉我们。投诉免费，我们会认真核实、及时答复，并保护您的个人信息。": (
        "Not happy with one of our products or services? Tell us. Complaining is free; we "
        "look into it carefully, reply promptly and protect your personal data."
    ),
    "尊敬的客户：根据市场利率变化，自 2026 年 11 月 21 日起，我行调整人民币存款挂牌利率，具体如下。": (
        "Dear customer, following changes in market rates, we adjust our posted CNY deposit "
        "rates from 21 November 2026 as follows."
    ),
    '您可以向国家金融监督管理总局及其派出机构反映，金融消费者权益保护热线：<a id="a1">12378</a>；也可申请银行业保险业纠纷调解组织调解，或依法申请仲裁、提起诉讼。': (
        "You may turn to the National Financial Regulatory Administration and its local "
        'offices (financial consumer protection hotline <a id="a1">12378</a>), ask a banking '
        "and insurance dispute mediation body to mediate, or go to arbitration or court as "
        "the law provides."
    ),
    "我们的使命": "Our mission",
    "手机银行转账限额是多少？": "What are the mobile banking transfer limits?",
    "投诉与建议": "Complaints and suggestions",
    "投诉渠道": "Ways to complain",
    "更换手机后怎么办？": "What if I change my phone?",
    "服务价格信息公示": "Our service prices",
    "查询投诉进度": "Follow your complaint",
    "百余家小微企业参会，现场授信意向金额逾 3 亿元。": (
        "Over a hundred small businesses took part; credit intentions exceeded CNY 300 million."
    ),
    "系统升级维护公告": "System maintenance notice",
    "网上投诉的客户可登录后在“我的投诉”中查看。通过电话或网点投诉的客户，可凭受理编号和登记的手机号，在“查询投诉进度”页面获取短信验证码后查看。": (
        "If you complained online, sign in and open \u201cMy complaints\u201d. If you "
        "complained by phone or at a branch, enter your tracking number and the phone number "
        "you gave on the \u201cFollow your complaint\u201d page and confirm with the text "
        "message code."
    ),
    "自 2026 年 11 月 21 日起，我行调整人民币存款挂牌利率。": (
        "From 21 November 2026 we adjust our posted CNY deposit rates."
    ),
    "调整前已存入的定期存款，在原定存期内利率不变。感谢您的支持！": (
        "Time deposits made before the change keep their rate for their term. Thank you for "
        "banking with us."
    ),
    "转账汇款、账户查询、理财购买，足不出户办理银行业务。": (
        "Transfers, account enquiries and wealth products: bank from home."
    ),
    "近期冒充银行客服、冒充公检法的诈骗案件多发。请牢记：银行不会通过电话或短信索要密码、验证码，也不会要求您向“安全账户”转账。如有疑问，请拨打 95568 核实。": (
        "Fraudsters posing as bank staff, police or courts are active. Remember: a bank never "
        "asks for your password or codes by phone or text, and never asks you to move money "
        "to a \u201csafe account\u201d. If in doubt, call 95568 to check."
    ),
    "银行工作人员不会索要您的验证码与密码，请警惕冒充客服的诈骗。": (
        "Bank staff never ask for your codes or password; beware of fake customer service."
    ),
    "锦程银行举办小微企业金融服务对接会": "Jincheng Bank hosts a small business finance forum",
    "锦程银行公告、品牌新闻与信息公示。": ("Jincheng Bank's notices, news and public disclosures."),
    "锦程银行在成都举办小微企业金融服务对接会，介绍线上信用贷、发票贷等产品，现场达成授信意向逾 3 亿元。": (
        "Jincheng Bank held a small business finance forum in Chengdu, presenting online "
        "credit loans, invoice loans and more; credit intentions on the day exceeded CNY 300 "
        "million."
    ),
    "锦程银行手机银行 8.0 全新上线": "Jincheng Bank mobile banking 8.0 is here",
    "锦程银行手机银行 8.0 正式上线，新增智能客服、账户总览、大字版与无障碍模式，转账与理财流程全面简化。": (
        "Jincheng Bank mobile banking 8.0 is live, with a smart assistant, an account overview, "
        "large-text and accessibility modes, and simpler transfers and wealth purchases."
    ),
    "锦程银行是一家虚构的全国性股份制商业银行，本站为开源门户的演示。": (
        "Jincheng Bank is a fictional national joint-stock commercial bank; this site "
        "demonstrates an open-source portal."
    ),
    "随时随地，7×24 小时办理转账、理财、信用卡还款与生活缴费。": (
        "Transfers, wealth products, card repayments and bill payments, anywhere, 24/7."
    ),
}

ENGLISH.update(PAGES)


TABLES: dict[str, str] = {
    # -- the tables of the standard and news pages (portal.blocks.PortalTableBlock's segments)
    "一年期定期": "1-year time deposit",
    "三年期定期": "3-year time deposit",
    "活期": "Demand deposit",
    "期限": "Term",
    "人民币存款挂牌利率": "Posted CNY deposit rates",
    "调整后年利率（%）": "New annual rate (%)",
    "部分营业网点": "Some of our branches",
    "网点": "Branch",
    "地址": "Address",
    "营业时间": "Opening hours",
    "北京朝阳支行": "Beijing Chaoyang branch",
    "北京市朝阳区示范路 1 号": "1 Shifan Road, Chaoyang District, Beijing",
    "上海浦东支行": "Shanghai Pudong branch",
    "上海市浦东新区样例大道 88 号": "88 Yangli Avenue, Pudong New Area, Shanghai",
    "成都高新支行": "Chengdu Hi-tech Zone branch",
    "成都市高新区演示街 66 号": "66 Yanshi Street, Hi-tech Zone, Chengdu",
    "周一至周五 9:00-17:00": "Monday to Friday 9:00-17:00",
    "周一至周六 9:00-17:00": "Monday to Saturday 9:00-17:00",
    "周一至周日 9:00-17:00": "Every day 9:00-17:00",
    "外汇牌价（演示数据）": "Exchange rates (demo data)",
    "币种": "Currency",
    "现汇买入价": "Buying (transfer)",
    "现钞买入价": "Buying (cash)",
    "现汇卖出价": "Selling (transfer)",
    "现钞卖出价": "Selling (cash)",
    "美元 USD": "US dollar USD",
    "欧元 EUR": "Euro EUR",
    "港币 HKD": "Hong Kong dollar HKD",
    "日元 JPY": "Japanese yen JPY",
}

ENGLISH.update(TABLES)
