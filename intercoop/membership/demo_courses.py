"""The demo library's courses, as data: three short courses in English, the first one
translated into Spanish (module by module, lesson by lesson), and an adaptation of the
second for worker co-operatives (an extra lesson).

The texts are the demo's own (written for it, under CC BY-SA 4.0); their authors are
fictional co-op educators. `demo.build_curriculum` writes them through the curriculum's
services; nothing here touches the database."""

from typing import TypedDict


class LessonData(TypedDict):
    title: str
    minutes: int
    body: str


class ModuleData(TypedDict):
    title: str
    lessons: list[LessonData]


class Author(TypedDict):
    name: str
    organization: str


class CourseData(TypedDict):
    slug: str
    title: str
    summary: str
    language: str
    licence: str
    authors: list[Author]
    attribution: str
    publisher: str  # words in the name of the demo organisation that publishes it
    modules: list[ModuleData]


LICENCE = "CC-BY-SA-4.0"

AMARA = Author(name="Amara Osei", organization="Riverbend Co-operative Development Centre")
TOMAS = Author(name="Tomás Herrera", organization="Escuela Cooperativa del Valle")
HELEN = Author(name="Helen Park", organization="Northfield Worker Co-op Academy")
DAVID = Author(name="David Mbeki", organization="Commonwealth Co-op Finance Circle")
RUTH = Author(name="Ruth Lindqvist", organization="Commonwealth Co-op Finance Circle")
INES = "Inés Caballero"  # translator, of the translating organisation


# co-operative principles -------------------------------------------------------------------

_IDENTITY = """\
A co-operative is a business that belongs to the people who use it. Its members come
together of their own free will to meet needs they share: good food at a fair price,
decent work, a safe home, electricity they can afford, a market for their harvest. They
own the enterprise jointly and they control it democratically.

That short description holds three ideas worth keeping apart:

- **Autonomy.** The co-op answers to its members, not to a government, a lender or a
  parent company.
- **Voluntary association.** Nobody is forced in, and nobody is kept in.
- **A jointly owned, democratically controlled enterprise.** The co-op is a real business
  that has to pay its way, and the people who own it also run it, one member, one vote.

## Values

Co-operators usually name six values that the business is built on: *self-help*,
*self-responsibility*, *democracy*, *equality*, *equity* and *solidarity*. Members also
hold themselves to ethical values in the way they work: *honesty*, *openness*, *social
responsibility* and *caring for others*.

## Why an identity matters

Many businesses call themselves co-operative. The shared identity lets members, lenders,
customers and other co-ops tell the real thing from the label. It also gives a new
member a simple test for any decision: does this keep the business ours, and does it
serve the needs we came together for?

**Try this:** write one sentence that says which need your co-op meets, and for whom.
"""

_PRINCIPLES_ONE = """\
The seven co-operative principles are guidelines by which co-ops put their values into
practice. They were last restated by the International Co-operative Alliance in 1995 and
are the same for a village dairy and a national bank. This lesson covers the first four.

## 1. Voluntary and open membership

Anyone who can use the co-op's services and accepts the responsibilities of membership
may join, without discrimination by gender, social background, race, politics or
religion. *Open* does not mean *without conditions*: a worker co-op may ask for a
probation period, and a housing co-op is limited by the homes it has. The conditions
must be fair and the same for everyone.

## 2. Democratic member control

Members set the co-op's policies and make its main decisions. In a primary co-op each
member has one vote, whatever they have invested. People elected to the board or to a
committee are accountable to the members who chose them.

## 3. Member economic participation

Members contribute fairly to the capital of their co-op and control it democratically.
Part of that capital is usually the common property of the co-op. Members receive limited
compensation, if any, on the capital they subscribe. A surplus may go to developing the
co-op, building reserves, returning money to members in proportion to their use of the
co-op, and supporting other activities the members approve.

## 4. Autonomy and independence

Co-ops are self-help organisations controlled by their members. When they sign
agreements with governments or raise money from outside, they do it on terms that keep
member control and their independence intact.
"""

_PRINCIPLES_TWO = """\
The last three principles look outward: to the people a co-op must educate, to other
co-ops, and to the place where it works.

## 5. Education, training and information

A co-op trains its members, the people they elect, its managers and its employees so
that each can do their part well. It also tells the public, and young people and opinion
leaders in particular, what co-operation is and what it offers. A member who cannot read
a balance sheet cannot really control the business; education is how democratic control
becomes real.

## 6. Cooperation among co-operatives

Co-ops serve their members best, and strengthen the movement, by working together
through local, national, regional and international structures. A single small co-op is
weak in a market built for large companies; a network of co-ops can buy, sell, lend and
learn at a scale none of them has alone. The next module is about this principle.

## 7. Concern for community

Co-ops work for the sustainable development of their communities through policies their
members approve. A co-op does not move away when a cheaper town appears, because its
owners live where it is.

## Reading the principles together

The principles are not a checklist to tick one by one. They support each other: open
membership without education produces members who do not vote; democratic control
without economic participation produces owners with nothing at stake. When your co-op
faces a hard choice, ask which principles it touches and whether the choice weakens one
to serve another.

**Try this:** pick one recent decision of your co-op and name the principles it involved.
"""

_SIXTH_WHY = """\
The sixth principle asks co-ops to serve their members by working with each other. It
can sound like a matter of goodwill. In practice it is a matter of survival.

## Small alone, large together

Most co-operatives are small and medium enterprises. On their own they pay more for
supplies, borrow on worse terms, cannot afford specialist staff and are easily ignored
by public bodies. Together they can reach the scale of their competitors without giving
up local ownership. The best known co-op economies — in the Basque Country, in
Emilia-Romagna, in Quebec — grew because co-ops built shared institutions: banks,
schools, research centres, second-level co-ops that serve other co-ops.

## What co-ops share

- **Money.** Surplus reinvested in other co-ops through a shared fund, or invoices settled
  between co-ops without waiting for cash.
- **Purchasing.** Demand pooled to negotiate with suppliers.
- **Services.** Accounting, legal advice, IT, training, offered by a co-op owned by its
  users.
- **Knowledge.** Courses, templates, mentors: what one co-op learned the hard way, the
  next one learns in an afternoon.
- **Voice.** One federation speaking for hundreds of co-ops to a city council.

## A principle with a cost

Cooperation among co-ops asks each co-op to give time and sometimes money to something
that benefits others too. It works when the benefits are visible and fairly shared, which
is why good records and open reporting matter as much here as inside a single co-op.

**Try this:** list three things your co-op buys or does that another co-op near you also
buys or does.
"""

_SIXTH_PRACTICE = """\
Here are four everyday forms of the sixth principle, with what makes each one work.

## Buying together

A purchasing alliance gathers each member's expected demand — kilowatt-hours, cases of
flour, hours of cleaning — and goes to suppliers with the total. Members commit to a
quantity with a tolerance, and the savings are reported per member. It works when
commitments are honest and the alliance shows each member what it saved.

## Sharing services

A shared-services co-op is owned by the co-ops that use it. A dozen small co-ops cannot
each hire a payroll specialist; together they can. Its members govern it like any other
co-op, one member, one vote.

## Lending to each other

A solidarity fund pools part of members' surplus and lends it to member co-ops for
equipment, premises or conversions. A loan committee of members decides, and repayments
return to the fund for the next borrower.

## Settling invoices without cash

Co-ops that trade with each other often owe each other money in a circle: the bakery owes
the farm, the farm owes the energy co-op, the energy co-op owes the bakery. Setting these
debts off against each other clears much of what is owed without any money changing
hands.

## Starting small

None of these needs a large network to begin. Two co-ops that buy the same product, share
a bookkeeper or swap training sessions are already practising the sixth principle. The
directory and the library of this network exist to make those first steps easier.

**Try this:** find one co-op in the directory that buys what you buy, and introduce
yourselves.
"""

PRINCIPLES: CourseData = {
    "slug": "co-operative-principles",
    "title": "Co-operative principles",
    "summary": "The co-operative identity, the seven principles of the International "
    "Co-operative Alliance and what the sixth principle — cooperation among co-operatives "
    "— looks like in practice. For new members and anyone curious.",
    "language": "en",
    "licence": LICENCE,
    "authors": [AMARA, TOMAS],
    "attribution": "Written by Amara Osei (Riverbend Co-operative Development Centre) and "
    "Tomás Herrera (Escuela Cooperativa del Valle) for the Valley Co-operative Network's "
    "shared library.",
    "publisher": "Valley Co-op Federation",
    "modules": [
        {
            "title": "The co-operative identity",
            "lessons": [
                {"title": "What a co-operative is", "minutes": 8, "body": _IDENTITY},
                {"title": "The principles, one to four", "minutes": 10, "body": _PRINCIPLES_ONE},
                {"title": "The principles, five to seven", "minutes": 10, "body": _PRINCIPLES_TWO},
            ],
        },
        {
            "title": "The sixth principle in practice",
            "lessons": [
                {"title": "Why co-ops work together", "minutes": 8, "body": _SIXTH_WHY},
                {"title": "Four ways to cooperate", "minutes": 10, "body": _SIXTH_PRACTICE},
            ],
        },
    ],
}


# governance basics ---------------------------------------------------------------------

_GENERAL_MEETINGS = """\
The general meeting is where the members of a co-operative exercise their power
together. Everything else — the board, the managers, the committees — gets its authority
from it.

## The annual general meeting

Most co-ops must hold an annual general meeting (AGM) within a few months of the end of
their financial year. Its usual business is:

1. approving the minutes of the last general meeting;
2. receiving the board's report and the annual accounts;
3. deciding what to do with any surplus;
4. electing board members and, where the rules require it, appointing auditors;
5. motions put forward by members.

## Special general meetings

Some decisions cannot wait a year or are too important for the board: changing the
rules, merging with another co-op, selling the main building. The rules say how members
can call a special meeting — often a fixed share of the members can require it.

## Notice and quorum

Members must be told of a meeting in time, with the agenda and the text of any motion,
so that they can prepare. A meeting also needs a *quorum*: a minimum number of members
present for its decisions to count. A quorum protects the co-op from decisions taken by
a handful of people in an empty room.

## Making the meeting worth attending

A general meeting is also a chance to meet, to hear how the co-op is doing and to ask
hard questions. Send papers early, keep reports short, leave time for questions and hold
the meeting when and where members can come.

**Try this:** find in your rules how many members make a quorum.
"""

_BOARDS = """\
In all but the smallest co-ops, members elect a board (sometimes called a committee of
management) to govern between general meetings.

## What a board does

- **Sets direction** within the purpose and policies the members approved.
- **Appoints and supervises** the manager or management team, where there is one.
- **Looks after the money**: approves budgets, watches the accounts, manages risk.
- **Reports to members**, openly and in a form they can understand.

A board governs; it does not manage. Deciding the co-op's pricing policy is governance;
choosing this week's prices is management. Boards that slide into daily management
exhaust themselves and undermine their staff.

## Duties of board members

Board members act for the co-op as a whole, not for the group that elected them. They
must declare any conflict of interest and leave the room when it is discussed, keep
confidential matters confidential, and take care with the co-op's money as if it were
their own — more carefully, in fact, because it belongs to everyone.

## Good habits

- A short written role description and an induction for every new board member.
- A yearly calendar: budget, accounts, AGM, review of the manager.
- Papers sent a week before each meeting.
- Terms of office that end, so that new members can stand.

**Try this:** look up when your board's current terms end and who could stand next.
"""

_ONE_MEMBER = """\
In a company, votes follow money: the more shares you hold, the more you decide. In a
primary co-operative every member has one vote, however much capital they put in. This is
the heart of democratic member control.

## Why one vote each

A co-op exists to meet its members' needs, not to earn a return on capital. If votes
followed investment, the co-op would sooner or later be run for its largest investors.
One member, one vote keeps control with the people who use the business.

## Where it gets more complex

- **Secondary co-ops** (co-ops of co-ops) may weight votes, for example by the number of
  members each co-op has or by how much it uses the shared services, as long as the
  weighting is democratic and set out in the rules.
- **Multi-stakeholder co-ops** give classes of members — workers, consumers, producers —
  a fixed share of the board, so that no class can outvote the others.
- **Investor members**, where the law allows them, may have votes, but capped so that
  they cannot take control.

## Making one vote real

A vote is only as real as the member's ability to use it. Clear papers, time to
deliberate, postal or online voting for those who cannot attend and a secret ballot for
elections all help. So does a culture in which asking a question is welcome.

**Try this:** find how your co-op's rules weight votes, if they do at all.
"""

_CONSENT = """\
Most decisions in a co-op begin as a **proposal**: a short written text that says what
should be decided, why, and what it will cost. A clear proposal saves a meeting an hour
of confusion.

## Writing a proposal

A good proposal fits on one page:

- **What** exactly is proposed, in words that could go straight into the minutes.
- **Why**: the problem it solves.
- **Cost and effect**: money, time, who is affected.
- **When** it takes effect and when it will be reviewed.

## Ways to decide

- **Majority vote.** Quick and clear; some members may feel overruled.
- **Consensus.** Everyone agrees; thorough but slow in large groups.
- **Consent.** A proposal passes unless someone has a *reasoned objection*: a reason to
  believe it would harm the co-op or its aims. A preference is not an objection. The
  group amends the proposal until no objection remains.

Many co-ops use consent in working groups and boards, and majority votes at general
meetings, where the rules usually require them.

## Stances in a consent process

Members can agree, abstain, *stand aside* (not agree, but let it pass) or object. Asking
everyone to state a stance, even briefly, brings out the quiet objections that would
otherwise surface months later.

**Try this:** rewrite a decision your co-op took recently as a one-page proposal.
"""

_MINUTES = """\
Minutes are the co-op's memory. They record what was decided, by whom and on what
grounds, so that members who were not present can know, and so that decisions can be
found and checked years later.

## What minutes contain

- The meeting's date, place and kind (board, general meeting, committee).
- Who attended, who sent apologies, and whether there was a quorum.
- Declared conflicts of interest.
- For each item: the decision in exact words, the result of any vote, and who will do
  what by when.
- The time the meeting closed.

Minutes are not a transcript. Record decisions and reasons, not who said what, unless a
member asks for their dissent to be recorded.

## Approving minutes

The draft goes out soon after the meeting, while memories are fresh. At the next meeting
the members or the board approve it, with corrections, and the chair signs it. Approved
minutes are not edited afterwards; a mistake found later is corrected in the minutes of
a later meeting.

## Keeping them

Keep minutes where members can read them, with an index of decisions. Many co-ops keep a
separate *decision log*: one line per decision with a link to the minutes. It takes a few
minutes per meeting and saves hours of searching.

**Try this:** find the last three decisions of your board and the minutes that record
them.
"""

GOVERNANCE: CourseData = {
    "slug": "governance-basics",
    "title": "Governance basics",
    "summary": "How a co-operative decides: general meetings, the board and its duties, "
    "one member one vote, proposals and consent, and keeping minutes.",
    "language": "en",
    "licence": LICENCE,
    "authors": [HELEN],
    "attribution": "Written by Helen Park (Northfield Worker Co-op Academy) for the Valley "
    "Co-operative Network's shared library.",
    "publisher": "Shared Services Co-op",
    "modules": [
        {
            "title": "Who decides",
            "lessons": [
                {"title": "General meetings", "minutes": 10, "body": _GENERAL_MEETINGS},
                {"title": "The board", "minutes": 10, "body": _BOARDS},
                {"title": "One member, one vote", "minutes": 8, "body": _ONE_MEMBER},
            ],
        },
        {
            "title": "Deciding well",
            "lessons": [
                {"title": "Proposals and consent", "minutes": 10, "body": _CONSENT},
                {"title": "Minutes", "minutes": 8, "body": _MINUTES},
            ],
        },
    ],
}


# reading the co-op's financial statements -----------------------------------------------

_BALANCE_SHEET = """\
The balance sheet is a picture of the co-op on one day, usually the last day of its
financial year. It lists what the co-op has and where the money for it came from.

## The two sides

**Assets** are what the co-op owns or is owed: cash, stock, equipment, buildings, money
customers still have to pay.

**Liabilities** are what it owes to others: supplier invoices, loans, wages and taxes due.

**Equity** is what is left for the members: assets minus liabilities. In a co-op it is
mostly members' share capital and the reserves built from past surpluses.

The two sides always balance: assets = liabilities + equity.

## Current and long-term

Both assets and liabilities are split into *current* (turned into cash or due within a
year) and *non-current* (longer). This split lets a reader ask the first question about
any business: can it pay what falls due this year?

## Reading it

1. Look at cash and current assets against current liabilities.
2. Look at how much of the co-op is financed by loans and how much by members.
3. Compare with last year's column, which the statement shows beside this year's.
4. Read the notes: they explain how buildings are valued, what the loans are and which
   share capital members can withdraw.

**Try this:** find your co-op's total assets and its members' equity in the latest
accounts, and work out what share of the assets the members finance.
"""

_INCOME_STATEMENT = """\
The balance sheet is a photograph; the income statement (or profit and loss account) is
a film of the whole year. It shows what the co-op earned, what it spent, and what was
left.

## From sales to surplus

A typical income statement reads from top to bottom:

1. **Revenue**: sales of goods and services.
2. minus **cost of sales**: what the goods sold cost to buy or make;
3. = **gross margin**, the money left to run the business;
4. minus **operating costs**: wages, rent, energy, insurance, depreciation;
5. = **operating result**;
6. plus or minus interest received and paid;
7. minus tax, where it applies;
8. = **surplus** (or deficit) for the year.

## Questions to ask

- Did revenue grow or shrink, and why?
- Did the gross margin, as a percentage of sales, hold? A falling margin often means
  prices did not follow costs.
- Which operating cost grew fastest?
- Is the surplus from the co-op's trade, or from a one-off such as selling equipment?

## Depreciation

A machine that lasts ten years is not charged to a single year. Its cost is spread over
its life as *depreciation*. It is a real cost even though no cash leaves the co-op that
year, which is why surplus and cash in the bank can tell different stories.

**Try this:** calculate your co-op's gross margin percentage for the last two years.
"""

_SURPLUS = """\
Co-ops often say *surplus* where other businesses say *profit*. The difference is more
than a word. A co-op's surplus is largely money its members paid in excess of what the
service cost, or money it paid them too little for their produce or work. It belongs to
them, and the members decide what happens to it.

## What a surplus can be used for

- **Reserves**: kept in the co-op to make it stronger. Indivisible reserves belong to the
  co-op forever and cannot be shared out, even if it closes.
- **Patronage refunds** (also called dividends on purchases): returned to members *in
  proportion to their use* of the co-op — what they bought, sold through it or worked.
- **Interest on capital**: limited, if paid at all.
- **Community and the movement**: education funds, local causes, a solidarity fund for
  other co-ops.

## Patronage in practice

Suppose a consumer co-op has 20,000 in surplus available for refunds and its members
bought 1,000,000 from it during the year. Each member receives 2 % of their own purchases:
a member who bought 3,000 gets 60. Part of a refund may be *retained* — credited to the
member's capital account instead of paid in cash — to finance the co-op.

## Where to find it

The accounts show the surplus; the AGM's resolutions or the notes show how it was
allocated. If they do not, ask.

**Try this:** find how your co-op allocated last year's surplus.
"""

_CAPITAL = """\
Members finance their co-op. Understanding the forms this takes helps them judge how
strong the co-op is and what they can expect back.

## Share capital

Members buy shares to join. In many co-ops a share is a fixed amount that does not grow
in value: it is a membership stake, not a speculation. Some co-ops ask for a larger
buy-in, often payable by instalments, especially worker co-ops.

**Withdrawable** share capital can be taken back when a member leaves, under conditions
the rules set (notice, payout delay, the board's approval). Because members could
withdraw it, accounting standards sometimes show it as a liability rather than as
equity. Read the notes to see which applies.

## Internal capital accounts

Worker co-ops in particular keep an account for each member. Retained patronage and
interest are credited to it; losses may be charged to it. The balance is paid out over
time after the member leaves.

## Reserves

Reserves built from past surpluses belong to the co-op as a whole. Indivisible reserves
are the co-op's inheritance for future members.

## Reading it

- How much capital do members hold, in total and per member?
- How much could be withdrawn in a bad year, and what would that do to the cash?
- Are reserves growing, year after year?

**Try this:** find your own share capital and, if your co-op keeps one, your capital
account balance.
"""

_RATIOS = """\
A few ratios turn the statements into answers. None is right or wrong on its own: compare
them with last year and with similar co-ops.

## Can we pay our bills?

**Current ratio** = current assets ÷ current liabilities. Above 1 means the co-op holds
more that will become cash within a year than it owes within a year. Many lenders like
to see 1.5 or more. A shop with fast-moving stock can live with less.

## Who finances the co-op?

**Member equity ratio** = members' equity ÷ total assets. The higher it is, the more the
members own their co-op and the less it depends on lenders. Below 20 % usually means the
co-op is fragile.

**Debt to equity** = total loans ÷ members' equity. It shows how much the co-op borrows
for each unit the members put in.

## Is the business working?

**Gross margin %** = gross margin ÷ revenue.

**Surplus margin %** = surplus ÷ revenue. Co-ops do not aim for a large margin, but a
small positive one, year after year, builds the reserves that carry the co-op through a
bad year.

## A worked example

A co-op has current assets of 150,000, current liabilities of 100,000, total assets of
600,000 and members' equity of 180,000. Its current ratio is 1.5 and its member equity
ratio 30 %: it can pay its bills, and members finance almost a third of what it owns.

**Try this:** calculate the current ratio and the member equity ratio of your co-op.
"""

FINANCES: CourseData = {
    "slug": "reading-co-op-financial-statements",
    "title": "Reading the co-op's financial statements",
    "summary": "The balance sheet and the income statement, what is particular to co-ops "
    "(surplus, patronage, members' capital) and a handful of ratios, for members who want "
    "to read their co-op's accounts with confidence.",
    "language": "en",
    "licence": LICENCE,
    "authors": [DAVID, RUTH],
    "attribution": "Written by David Mbeki and Ruth Lindqvist (Commonwealth Co-op Finance "
    "Circle) for the Valley Co-operative Network's shared library.",
    "publisher": "Mutual Insurance",
    "modules": [
        {
            "title": "The two main statements",
            "lessons": [
                {"title": "The balance sheet", "minutes": 12, "body": _BALANCE_SHEET},
                {"title": "The income statement", "minutes": 12, "body": _INCOME_STATEMENT},
            ],
        },
        {
            "title": "What is particular to co-ops",
            "lessons": [
                {"title": "Surplus and patronage", "minutes": 10, "body": _SURPLUS},
                {"title": "Members' capital", "minutes": 10, "body": _CAPITAL},
                {"title": "Reading ratios", "minutes": 15, "body": _RATIOS},
            ],
        },
    ],
}

COURSES: list[CourseData] = [PRINCIPLES, GOVERNANCE, FINANCES]


class TranslationData(TypedDict):
    translation_of: str  # the slug of the original
    language: str
    title: str
    summary: str
    translator: str
    publisher: str
    modules: list[ModuleData]  # the original's, module by module and lesson by lesson


# the Spanish translation of "Co-operative principles" -------------------------------------

_IDENTITY_ES = """\
Una cooperativa es una empresa que pertenece a las personas que la usan. Sus socias y
socios se unen por voluntad propia para atender necesidades que comparten: buena comida a
un precio justo, un trabajo digno, una vivienda segura, electricidad asequible, un
mercado para su cosecha. Son propietarios de la empresa en común y la controlan de forma
democrática.

Esa breve descripción contiene tres ideas que conviene distinguir:

- **Autonomía.** La cooperativa responde ante sus socios, no ante un gobierno, un
  prestamista o una empresa matriz.
- **Asociación voluntaria.** Nadie entra a la fuerza y nadie se queda a la fuerza.
- **Una empresa de propiedad conjunta y gestión democrática.** La cooperativa es una
  empresa de verdad que tiene que ser viable, y las personas que la poseen también la
  dirigen: una persona, un voto.

## Valores

Las cooperativas suelen nombrar seis valores sobre los que se construye la empresa:
*autoayuda*, *autorresponsabilidad*, *democracia*, *igualdad*, *equidad* y
*solidaridad*. Sus socios se comprometen además con valores éticos en su manera de
trabajar: *honestidad*, *transparencia*, *responsabilidad social* y *preocupación por los
demás*.

## Por qué importa la identidad

Muchas empresas se llaman a sí mismas cooperativas. La identidad compartida permite a
socios, prestamistas, clientes y otras cooperativas distinguir lo auténtico de la
etiqueta. También ofrece a cada nuevo socio una prueba sencilla para cualquier decisión:
¿esto mantiene la empresa en nuestras manos y sirve a las necesidades por las que nos
unimos?

**Prueba esto:** escribe una frase que diga qué necesidad atiende tu cooperativa y para
quién.
"""

_PRINCIPLES_ONE_ES = """\
Los siete principios cooperativos son pautas con las que las cooperativas ponen en
práctica sus valores. La Alianza Cooperativa Internacional los formuló por última vez en
1995 y son los mismos para una pequeña lechería de pueblo que para un banco nacional.
Esta lección trata los cuatro primeros.

## 1. Adhesión voluntaria y abierta

Puede entrar cualquier persona que pueda usar los servicios de la cooperativa y acepte
las responsabilidades de ser socia, sin discriminación por género, origen social, raza,
ideas políticas o religión. *Abierta* no significa *sin condiciones*: una cooperativa de
trabajo puede pedir un periodo de prueba y una cooperativa de vivienda está limitada por
las viviendas que tiene. Las condiciones deben ser justas e iguales para todos.

## 2. Gestión democrática por parte de los socios

Los socios fijan las políticas de la cooperativa y toman sus decisiones principales. En
una cooperativa de primer grado cada socio tiene un voto, haya aportado lo que haya
aportado. Las personas elegidas para el consejo rector o para una comisión rinden cuentas
ante los socios que las eligieron.

## 3. Participación económica de los socios

Los socios contribuyen de forma equitativa al capital de su cooperativa y lo gestionan
democráticamente. Parte de ese capital suele ser propiedad común de la cooperativa. Los
socios reciben una compensación limitada, si la hay, por el capital que suscriben. Los
excedentes pueden destinarse a desarrollar la cooperativa, dotar reservas, devolver
dinero a los socios en proporción a su uso de la cooperativa y apoyar otras actividades
que los socios aprueben.

## 4. Autonomía e independencia

Las cooperativas son organizaciones de autoayuda gestionadas por sus socios. Cuando
firman acuerdos con gobiernos u obtienen financiación externa, lo hacen en condiciones
que mantienen intactos el control de los socios y su independencia.
"""

_PRINCIPLES_TWO_ES = """\
Los tres últimos principios miran hacia fuera: a las personas a las que una cooperativa
debe formar, a otras cooperativas y al lugar donde trabaja.

## 5. Educación, formación e información

Una cooperativa forma a sus socios, a las personas que eligen, a su dirección y a su
personal para que cada cual pueda hacer bien su parte. También explica al público, y en
especial a la juventud y a quienes crean opinión, qué es la cooperación y qué ofrece. Un
socio que no sabe leer un balance no puede controlar de verdad la empresa; la educación
es lo que hace real la gestión democrática.

## 6. Cooperación entre cooperativas

Las cooperativas sirven mejor a sus socios, y fortalecen el movimiento, trabajando juntas
a través de estructuras locales, nacionales, regionales e internacionales. Una pequeña
cooperativa sola es débil en un mercado hecho para grandes empresas; una red de
cooperativas puede comprar, vender, prestar y aprender a una escala que ninguna tiene
por sí sola. El siguiente módulo trata de este principio.

## 7. Interés por la comunidad

Las cooperativas trabajan por el desarrollo sostenible de sus comunidades mediante
políticas aprobadas por sus socios. Una cooperativa no se marcha cuando aparece un
pueblo más barato, porque sus propietarios viven donde ella está.

## Leer los principios juntos

Los principios no son una lista para marcar uno a uno. Se sostienen entre sí: la adhesión
abierta sin educación produce socios que no votan; la gestión democrática sin
participación económica produce propietarios que no arriesgan nada. Cuando tu
cooperativa afronte una decisión difícil, pregúntate a qué principios afecta y si
debilita uno para servir a otro.

**Prueba esto:** elige una decisión reciente de tu cooperativa y nombra los principios
que estaban en juego.
"""

_SIXTH_WHY_ES = """\
El sexto principio pide a las cooperativas que sirvan a sus socios trabajando unas con
otras. Puede sonar a buena voluntad. En la práctica es una cuestión de supervivencia.

## Pequeñas por separado, grandes juntas

La mayoría de las cooperativas son pequeñas y medianas empresas. Por separado pagan más
por sus suministros, se financian en peores condiciones, no pueden permitirse personal
especializado y las administraciones las ignoran con facilidad. Juntas pueden alcanzar
la escala de sus competidores sin renunciar a la propiedad local. Las economías
cooperativas más conocidas — en el País Vasco, en Emilia-Romaña, en Quebec — crecieron
porque las cooperativas crearon instituciones comunes: bancos, escuelas, centros de
investigación, cooperativas de segundo grado al servicio de otras cooperativas.

## Qué comparten las cooperativas

- **Dinero.** Excedentes reinvertidos en otras cooperativas mediante un fondo común, o
  facturas entre cooperativas compensadas sin esperar a tener liquidez.
- **Compras.** La demanda agrupada para negociar con los proveedores.
- **Servicios.** Contabilidad, asesoría jurídica, informática, formación, prestados por
  una cooperativa propiedad de quienes la usan.
- **Conocimiento.** Cursos, modelos, mentores: lo que una cooperativa aprendió a base de
  errores, la siguiente lo aprende en una tarde.
- **Voz.** Una federación que habla por cientos de cooperativas ante el ayuntamiento.

## Un principio con coste

La cooperación entre cooperativas pide a cada una que dedique tiempo y a veces dinero a
algo que también beneficia a otras. Funciona cuando los beneficios se ven y se reparten
con justicia; por eso los buenos registros y la información abierta importan aquí tanto
como dentro de una sola cooperativa.

**Prueba esto:** anota tres cosas que tu cooperativa compra o hace y que otra
cooperativa cercana también compra o hace.
"""

_SIXTH_PRACTICE_ES = """\
Estas son cuatro formas cotidianas del sexto principio, con lo que hace que cada una
funcione.

## Comprar juntas

Una central de compras reúne la demanda prevista de cada socia — kilovatios hora, cajas
de harina, horas de limpieza — y acude a los proveedores con el total. Las socias se
comprometen con una cantidad y un margen de tolerancia, y el ahorro se informa por socia.
Funciona cuando los compromisos son honestos y la central muestra a cada socia lo que ha
ahorrado.

## Compartir servicios

Una cooperativa de servicios compartidos pertenece a las cooperativas que la usan. Una
docena de pequeñas cooperativas no puede contratar cada una a una especialista en
nóminas; juntas sí pueden. Sus socias la gobiernan como cualquier otra cooperativa: una
socia, un voto.

## Prestarse entre ellas

Un fondo solidario reúne parte de los excedentes de las socias y los presta a
cooperativas socias para equipos, locales o transformaciones de empresas en
cooperativas. Decide un comité de préstamos formado por socias, y las devoluciones
vuelven al fondo para la siguiente prestataria.

## Compensar facturas sin dinero

Las cooperativas que comercian entre sí a menudo se deben dinero en círculo: la panadería
debe a la granja, la granja a la cooperativa de energía y la cooperativa de energía a la
panadería. Compensar estas deudas entre sí liquida buena parte de lo adeudado sin que
cambie de manos ningún dinero.

## Empezar en pequeño

Nada de esto necesita una gran red para empezar. Dos cooperativas que compran el mismo
producto, comparten una gestoría o intercambian sesiones de formación ya practican el
sexto principio. El directorio y la biblioteca de esta red existen para facilitar esos
primeros pasos.

**Prueba esto:** busca en el directorio una cooperativa que compre lo mismo que la tuya
y presentaos.
"""

PRINCIPLES_ES: TranslationData = {
    "translation_of": "co-operative-principles",
    "language": "es",
    "title": "Principios cooperativos",
    "summary": "La identidad cooperativa, los siete principios de la Alianza Cooperativa "
    "Internacional y cómo es en la práctica el sexto principio — la cooperación entre "
    "cooperativas —. Para nuevos socios y para cualquier persona con curiosidad.",
    "translator": INES,
    "publisher": "Valley Co-op Federation",
    "modules": [
        {
            "title": "La identidad cooperativa",
            "lessons": [
                {"title": "Qué es una cooperativa", "minutes": 8, "body": _IDENTITY_ES},
                {"title": "Los principios, del uno al cuatro", "minutes": 10,
                 "body": _PRINCIPLES_ONE_ES},
                {"title": "Los principios, del cinco al siete", "minutes": 10,
                 "body": _PRINCIPLES_TWO_ES},
            ],
        },
        {
            "title": "El sexto principio en la práctica",
            "lessons": [
                {"title": "Por qué las cooperativas trabajan juntas", "minutes": 8,
                 "body": _SIXTH_WHY_ES},
                {"title": "Cuatro maneras de cooperar", "minutes": 10,
                 "body": _SIXTH_PRACTICE_ES},
            ],
        },
    ],
}  # fmt: skip


# an adaptation of "Governance basics" by a worker co-op -------------------------------------


class AdaptationData(TypedDict):
    based_on: str  # the slug of the original
    title: str
    summary: str
    publisher: str
    adapter: str  # the adapting author's name (their organisation: the publisher)
    extra_module: int  # the module (0-based) the extra lesson is added to
    extra_lesson: LessonData


_WORKER_MEETINGS = """\
In a worker co-operative the members are also the people who do the work. That changes
how governance feels day to day: the general meeting is your colleagues, and the board
may be the same people you share a shift with.

## Two kinds of meeting

It helps to keep apart:

- **Operational meetings**, where the team plans the week's work: orders, rotas,
  problems with a machine. Anyone doing the work takes part.
- **Governance meetings**, where the members decide as owners: the budget, pay rates,
  taking on a new member, a large purchase. These follow the rules on notice, quorum and
  minutes.

Mixing the two leads either to long meetings about small things or to big decisions taken
in passing at the end of a shift.

## Pay and hours

Members decide their own pay policy. Many worker co-ops set a maximum ratio between the
highest and lowest pay, and review it every year at the general meeting with the
accounts in front of them.

## New members

Candidates usually work a probation period, buy in with a member share (often by
instalments from their wages) and are admitted by a vote of the members. A mentor helps
them through it.

## When colleagues disagree

Disagreement between owners who work side by side is normal. Agree in advance how it is
raised: first directly, then with a mediator the members trust, and only then at a
meeting.

**Try this:** list the decisions your co-op took last month and mark each one as
operational or governance.
"""

ADAPTATION: AdaptationData = {
    "based_on": "governance-basics",
    "title": "Governance basics for worker co-operatives",
    "summary": "Governance basics, adapted for worker co-ops: general meetings, the board, "
    "one member one vote, proposals and minutes, plus a lesson on running a co-op where the "
    "members are the workers.",
    "publisher": "Bakery Workers' Co-op",
    "adapter": "Mo Okafor",
    "extra_module": 0,
    "extra_lesson": {
        "title": "Meetings in a worker co-op",
        "minutes": 10,
        "body": _WORKER_MEETINGS,
    },
}


def all_lessons(course: CourseData | TranslationData) -> list[LessonData]:
    return [lesson for module in course["modules"] for lesson in module["lessons"]]
