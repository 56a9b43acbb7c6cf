/*
 * demo.c - a year of service for `kiln demo-data`.  The customers the
 * demo just made file tickets as their kind does (a key account a
 * dozen a year, a prospect a question now and then) over the past
 * year, by phone, e-mail, the web or at a visit, about the products
 * they ordered where there are any.  Some key accounts get their own
 * engineer, so their tickets come assigned.  Each ticket is walked
 * through the workflow with update(), as the desk would: taken,
 * answered, waiting on the customer and resumed by their reply,
 * escalated by the escalate rules when a deadline passed, resolved
 * with a report, sometimes reopened, closed, rated.  The report's
 * causes repeat per product and tell a story: a seal kit of one batch
 * failing on the A10V28 pump from about eight months ago until the
 * revised kit came four months ago (the desk was stretched then: more
 * breaches, worse ratings), a gear motor shipped with the wrong oil,
 * an HMI firmware that hung after a power cut until it was fixed.  A
 * handful are open now: in the queue (one about to miss its first
 * response), assigned, in progress (one close to its resolution
 * deadline, one past it and escalated), waiting on the customer.
 *
 * A ticket is made and moved now, then dated back with the plugin's
 * own SQL: its history lines and notices after each step, the ticket
 * itself at the end by one UPDATE (created, answered, resolved and
 * closed times, the pauses, the deadlines in business time from the
 * stored budgets, the business seconds taken), so summaries kept by
 * triggers on tickets follow.  Notices of finished tickets are marked
 * sent by "demo"; those of open ones wait for the desk.
 */
#define _DEFAULT_SOURCE		/* gmtime_r, timegm */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service.h"

#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define HOUR		3600LL
#define WORKDAY		(8 * HOUR)	/* the default business day */
#define DAY		86400L
#define CHECKPOINT	200		/* tickets per transaction */
#define LIFE_MAX	(120 * DAY)	/* longer than any ticket's life */
#define MAX_PRODUCTS	512
#define MAX_AGENTS	16

/* What happened to some products over the year (a fault's weight). */
enum story {
	STORY_NONE = 0,
	STORY_SEAL,	/* a bad seal batch: from 250 to 130 days ago */
	STORY_FIRMWARE	/* an HMI bug, fixed 150 days ago */
};
#define SEAL_FROM	250
#define SEAL_FIXED	130
#define FIRMWARE_FIXED	150

enum { T_QUESTION, T_COMPLAINT, T_REPAIR, T_INSTALLATION, T_RETURN };
static const char *const type_names[] = {
	"question", "complaint", "repair", "installation", "return"
};
static const char *const channel_names[] = { "phone", "email", "web",
	"visit" };
static const char *const priority_names[] = { "low", "normal", "high",
	"urgent" };

/* Per type: how it comes in, how urgent, how often it waits (%). */
static const unsigned channel_w[][4] = {
	{ 35, 35, 30, 0 }, { 40, 40, 15, 5 }, { 50, 25, 15, 10 },
	{ 40, 30, 0, 30 }, { 20, 50, 30, 0 }
};
static const unsigned priority_w[][4] = {
	{ 45, 50, 5, 0 }, { 10, 60, 30, 0 }, { 5, 45, 35, 15 },
	{ 10, 70, 20, 0 }, { 40, 60, 0, 0 }
};
static const unsigned wait_pct[] = { 15, 20, 30, 40, 50 };

/*
 * What goes wrong, with what, and what the desk finds and does: the
 * product by SKU, or any of a category, or none.  The weights are
 * relative; a story changes them with the date.
 */
static const struct fault {
	const char	*sku;
	const char	*category;
	int		 type;
	const char	*subject;
	const char	*description;
	const char	*cause;
	const char	*action;
	const char	*parts;
	unsigned	 minutes;	/* time spent, about */
	unsigned	 weight;
	enum story	 story;
} faults[] = {
	{ "HP-A10V28", NULL, T_REPAIR,
	  "Oil leak at the drive shaft, A10V28 pump",
	  "Oil drips from the shaft end after a few weeks of running; the"
	  " line stops twice a shift to top up.",
	  "Shaft seal kit of supplier lot S-17 hardens and cracks",
	  "Replaced the shaft seal kit with the revised FKM kit (rev. B),"
	  " flushed the case drain, ran 2 h under load: tight.",
	  "Seal kit A10V28 rev. B (FKM)", 180, 2, STORY_SEAL },
	{ "HP-A10V28", NULL, T_COMPLAINT,
	  "A10V28 pump leaking again, second time this quarter",
	  "The same pump leaks at the shaft again. We expect a lasting fix"
	  " and a word about the downtime.",
	  "Shaft seal kit of supplier lot S-17 hardens and cracks",
	  "Replaced the seal kit with rev. B free of charge, credited the"
	  " call-out, sent the 8D report on the seal lot.",
	  "Seal kit A10V28 rev. B (FKM)", 240, 1, STORY_SEAL },
	{ "HP-A10V28", NULL, T_REPAIR, "A10V28 pump noisy, housing hot",
	  "Loud whine from the pump since the line was moved; the housing"
	  " is too hot to touch.",
	  "Case drain line undersized: housing pressure too high",
	  "Fitted a DN16 case drain line straight to the tank, as the"
	  " manual asks.", "Hose DN16, fittings", 150, 1, STORY_NONE },
	{ "HP-A10V28", NULL, T_QUESTION,
	  "Setting the pressure compensator of the A10V28",
	  "How do we set the compensator to 180 bar?",
	  "Operating question: compensator setting",
	  "Sent the setting procedure and the factory test values.", "", 20,
	  1, STORY_NONE },
	{ "HP-GP25", NULL, T_REPAIR, "Gear pump noisy, pressure fluctuating",
	  "The GP-25 rattles and the pressure swings by 20 bar.",
	  "Cavitation: suction strainer clogged",
	  "Cleaned the suction strainer; advised cleaning it every 500 h.",
	  "", 90, 2, STORY_NONE },
	{ "HP-PV2R1", NULL, T_REPAIR, "叶片泵更换电机后不出压力",
	  "更换电机后叶片泵建立不起压力。",
	  "Wrong direction of rotation after rewiring the motor",
	  "Swapped two motor phases with the customer's electrician; the"
	  " pump primed at once.", "", 60, 1, STORY_NONE },
	{ NULL, "Hydraulic valves", T_REPAIR, "换向阀不换向",
	  "电磁换向阀通电后不动作，线圈发热。",
	  "Solenoid coil burnt: 230 V on a 24 V coil",
	  "Replaced the coil and labelled the connector with its voltage.",
	  "Coil 24 V DC", 60, 3, STORY_NONE },
	{ NULL, "Hydraulic valves", T_QUESTION, "Wiring of the valve connector",
	  "Which pins of the connector are the coil and which the earth?",
	  "Documentation unclear: connector wiring",
	  "Sent the wiring diagram; the manual is being corrected.", "", 15,
	  1, STORY_NONE },
	{ NULL, "Hydraulic valves", T_REPAIR, "Relief valve chatters",
	  "The relief valve chatters loudly when the press closes.",
	  "Contaminated oil (NAS 10)",
	  "Cleaned the valve; recommended filtering to NAS 7 and an oil"
	  " analysis.", "", 120, 1, STORY_NONE },
	{ NULL, "Cylinders", T_REPAIR, "液压缸活塞杆漏油",
	  "活塞杆处渗油，杆表面有划痕。",
	  "Rod seal worn: rod scored by contamination",
	  "Replaced the rod seals and the wiper, polished the rod.",
	  "Rod seal kit", 180, 2, STORY_NONE },
	{ "GM-K67-4", NULL, T_REPAIR, "K67 gear motor runs hot",
	  "The gear unit reaches 95 °C after an hour.",
	  "Wrong oil grade filled at the factory (VG 150 for VG 220)",
	  "Changed the oil to CLP 220; 68 °C after 2 h, in range.",
	  "Gear oil CLP 220, 10 L", 120, 2, STORY_NONE },
	{ NULL, "Gear motors", T_REPAIR, "Gear motor noisy at the output",
	  "Knocking noise from the output shaft under load.",
	  "Output bearing damaged: coupling misaligned at installation",
	  "Replaced the output bearing and aligned the coupling.",
	  "Bearing 6308-ZZ", 150, 1, STORY_NONE },
	{ NULL, "Gear motors", T_QUESTION, "减速电机换油周期",
	  "减速电机多久换一次油？用什么油？",
	  "Operating question: lubrication interval",
	  "Sent the lubrication table: CLP 220, every 10,000 h or two"
	  " years.", "", 10, 1, STORY_NONE },
	{ "CU-HMI-7", NULL, T_REPAIR, "HMI panel freezes after a power cut",
	  "After every power cut the touch panel hangs on the logo.",
	  "Firmware 2.1 hangs after a power loss",
	  "Updated the firmware to 2.3 on site; tested ten power cycles.",
	  "", 90, 2, STORY_FIRMWARE },
	{ "CU-PLC-S7", NULL, T_QUESTION, "Backing up the PLC program",
	  "How do we back up the program before the maintenance?",
	  "Operating question: backup and restore",
	  "Walked the maintenance team through the backup by phone; sent the"
	  " guide.", "", 30, 1, STORY_NONE },
	{ NULL, "Control units", T_INSTALLATION,
	  "Commissioning of the control unit",
	  "Please send an engineer to commission the new control cabinet.",
	  "Commissioning as planned",
	  "Installed, tested the I/O, trained the operators.", "", 300, 1,
	  STORY_NONE },
	{ NULL, "Power units", T_INSTALLATION, "液压站安装调试",
	  "新液压站已到货，请安排工程师安装调试。",
	  "Commissioning as planned",
	  "Installed, flushed to NAS 7, commissioned, trained two"
	  " operators.", "", 480, 3, STORY_NONE },
	{ NULL, "Power units", T_INSTALLATION,
	  "Commissioning postponed: site not ready",
	  "The foundation is not finished; can the engineer come later?",
	  "Site not ready on the agreed date",
	  "Rescheduled; installed and commissioned at the second visit.", "",
	  600, 1, STORY_NONE },
	{ NULL, "Power units", T_REPAIR, "Pressure drops under load",
	  "The pressure falls from 160 to 120 bar when the press closes.",
	  "Relief valve set too low at commissioning",
	  "Set the relief valve to 160 bar and sealed the setting.", "", 90,
	  2, STORY_NONE },
	{ NULL, "Power units", T_REPAIR, "液压站油温过高",
	  "夏季油温超过 65 °C，设备报警停机。", "Oil cooler fouled",
	  "Cleaned the cooler; added it to the maintenance plan.", "", 120,
	  1, STORY_NONE },
	{ NULL, "Bearings", T_COMPLAINT, "Bearings failed after three months",
	  "Three bearings of the last delivery failed after three months.",
	  "Lubrication interval not kept",
	  "Examined the bearings (no material defect); sent the lubrication"
	  " schedule.", "", 60, 2, STORY_NONE },
	{ NULL, "Bearings", T_RETURN, "Wrong bearing delivered",
	  "We ordered 6204-2RS and received 6204-ZZ.",
	  "Picking error in the warehouse",
	  "Exchanged the goods; freight on us.", "", 30, 1, STORY_NONE },
	{ NULL, "Seals", T_RETURN, "O-rings of the wrong size",
	  "The O-rings do not fit our cylinder; we need 50x3.5.",
	  "Wrong size ordered by the customer",
	  "Exchanged for the right size; restocking fee waived.", "", 20, 2,
	  STORY_NONE },
	{ NULL, "Castings", T_RETURN,
	  "Porosity found when machining the housing",
	  "Pores in the bore after machining; 12 of 40 housings scrap.",
	  "Casting porosity (foundry batch)",
	  "Replaced the castings; 8D report to the foundry.", "", 60, 2,
	  STORY_NONE },
	{ NULL, "Castings", T_COMPLAINT, "铸件交货晚了两周",
	  "铸件比约定晚了两周到货，影响了我们的生产计划。",
	  "Late delivery: foundry capacity",
	  "Apologised; a second foundry is qualified for this part.", "", 30,
	  1, STORY_NONE },
	{ NULL, "Fasteners", T_RETURN, "Bolts of the wrong property class",
	  "The bolts are marked 4.8, the order says 8.8.",
	  "Picking error in the warehouse",
	  "Exchanged the goods; freight on us.", "", 20, 1, STORY_NONE },
	{ "SV-INSTALL", NULL, T_INSTALLATION,
	  "Installation of the delivered equipment",
	  "The equipment has arrived; please plan the installation.",
	  "Commissioning as planned",
	  "Installed and commissioned; acceptance signed.", "", 480, 2,
	  STORY_NONE },
	{ "SV-TRAIN", NULL, T_QUESTION, "Training for new operators",
	  "We have four new operators; when is the next training?",
	  "Information request: training", "Booked a training day.", "", 20,
	  1, STORY_NONE },
	{ NULL, NULL, T_COMPLAINT, "Invoice does not match the order",
	  "The invoice is 6 % above the confirmed prices.",
	  "Invoice error: old price list",
	  "Issued a credit note for the difference.", "", 30, 1, STORY_NONE },
	{ NULL, NULL, T_COMPLAINT, "Delivery arrived late",
	  "The delivery came five days after the confirmed date.",
	  "Late delivery: carrier",
	  "Apologised; changed the carrier for the region.", "", 20, 1,
	  STORY_NONE },
	{ NULL, NULL, T_QUESTION, "Certificates requested (CE, material)",
	  "Please send the CE declaration and the material certificates.",
	  "Information request: certificates",
	  "Sent the CE declaration and the 3.1 material certificates.", "",
	  15, 2, STORY_NONE },
	{ NULL, NULL, T_QUESTION, "需要备件清单",
	  "请提供设备的备件清单。", "Spare parts identification",
	  "Sent the spare parts list for the serial number.", "", 20, 1,
	  STORY_NONE },
};
#define NFAULTS	N(faults)

/* The first answer, asking the customer, their reply: per type. */
static const char *const first_answer[] = {
	NULL,	/* a question is answered by the report's action */
	"We are sorry for the trouble. We are looking into it and come back"
	" with the cause and what we do about it.",
	"We have your report: our engineer calls you today to arrange the"
	" visit.",
	"Thank you: the installation is planned, the engineer confirms the"
	" date with you.",
	"Please send the goods back with the ticket number on the parcel;"
	" we exchange them on arrival."
};
static const char *const ask[] = {
	"Which serial number is it? Then we send the right document.",
	"Please send the delivery note and photos, so we can trace the"
	" batch.",
	"Please send photos of the fault and of the nameplate, and the"
	" running hours.",
	"Please confirm the site is ready: foundation, power supply, oil.",
	"We are waiting for the goods to come back."
};
static const char *const reply_text[] = {
	"Serial number 2407-0815.",
	"Delivery note and photos attached.",
	"照片已附上，设备运行约 1200 小时。",
	"The site is ready from Monday.",
	"The parcel went out today; the tracking number is attached."
};

static const char *const praise[] = {
	"Quick and competent, thank you.",
	"工程师很专业，问题解决得很快。",
	"Good service; the engineer explained everything."
};
static const char *const so_so[] = {
	"Solved, but the first answer took a while.",
	"问题解决了，但等了比较久。"
};
static const char *const blame[] = {
	"Far too slow: our line stood for two days.",
	"多次催促才有回复。",
	"We had to chase you twice."
};

/* A product of the catalogue. */
struct product {
	long long	 id;
	char		 sku[48];
	char		 category[64];
};

/* A customer of the demo and what it has. */
struct customer {
	long long	 id, owner, engineer;
	int		 segment;	/* index of segment_rate[] */
	long long	 contact[4];
	int		 ncontacts;
	long long	 order[3];	/* newest first */
	int		 norders;
	long long	 bought[8], bought_in[8];	/* product, its order */
	int		 nbought;
};

/* Tickets a year per segment, times ten. */
static const struct {
	const char	*segment;
	unsigned	 rate10;
} segment_rate[] = {
	{ "key_account", 140 }, { "channel_partner", 90 }, { "project", 60 },
	{ "small_loyal", 40 }, { "prospect", 4 }, { NULL, 20 }
};
#define SEG_KEY		0
#define SEG_PROJECT	2
#define SEG_PROSPECT	4

/* How an open ticket stands now. */
enum scenario {
	S_HISTORY = -1,
	S_QUEUE_FRESH, S_QUEUE_NEAR, S_ASSIGNED, S_PROGRESS, S_PROGRESS_NEAR,
	S_PAST_DUE, S_WAITING, S_WAITING_SHORT, S_RESOLVED, S_NSCENARIOS
};
/* Those only once, whatever the scale. */
#define S_ONCE(s)	((s) == S_QUEUE_NEAR || (s) == S_PROGRESS_NEAR || \
			 (s) == S_PAST_DUE)

/* A ticket to make. */
struct plan {
	time_t		 created;	/* history; open ones: from now */
	long long	 seq;
	const struct customer *cust;
	long long	 contact, product, order;
	size_t		 fault;
	int		 scenario;
	int		 channel, priority;
};

/* Business offsets from created_at of each step; -1: none. */
struct timeline {
	long long	 take, esc_r, answer, wait, resume, first_resolve;
	long long	 reopen, esc_s, reassign, resolve, close, rate;
	long long	 elapsed;	/* business seconds up to the limit */
	int		 by_lead;	/* assigned by the lead, not taken */
};

struct ctx {
	struct kiln_req			*r;
	const struct kiln_services	*sv;
	struct kiln_demo		*d;
	time_t				 limit;	/* nothing written after */
	time_t				 today;	/* 00:00 UTC: the year's anchor */
	char				 limit_s[SERVICE_TIMESZ];
	char				 t0[SERVICE_TIMESZ];	/* the run's start */
	const struct kiln_demo_user	*agent[MAX_AGENTS];
	size_t				 nagents;
	const struct kiln_demo_user	*lead;
	struct product			*products;
	size_t				 nproducts;
	long long			 fault_product[NFAULTS];
	int				 fault_ok[NFAULTS];
};

/* The state of the ticket being walked. */
struct walk {
	long long	 id;
	const char	*created;
	long long	 rb, sb;	/* the budgets, business seconds */
	char		 status[24];
	long long	 assignee;
	int		 level;
	struct {
		int		 clock;
		const char	*at;
		char		 actions[64];
	}		 esc[2];
	int		 nesc;
};

static unsigned
rnd(struct ctx *x, unsigned n)
{
	return n ? x->d->random(x->d, n) : 0;
}

static size_t
pick(struct ctx *x, const unsigned *w, size_t n)
{
	unsigned	 total = 0, v;
	size_t		 i;

	for (i = 0; i < n; i++)
		total += w[i];
	if (total == 0)
		return 0;
	v = rnd(x, total);
	for (i = 0; i < n; i++) {
		if (v < w[i])
			return i;
		v -= w[i];
	}
	return n - 1;
}

static const char *
fmt(struct ctx *x, time_t t)
{
	char		*s = x->sv->alloc(x->r, SERVICE_TIMESZ);
	struct tm	 tm;

	strftime(s, SERVICE_TIMESZ, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	return s;
}

static time_t
parse(const char *s)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return timegm(&tm);
}

/* The moment `off` business seconds after the ticket came in. */
static const char *
at(struct ctx *x, const struct walk *w, long long off)
{
	const char	*s = x->sv->work_add(x->r, w->created, off);

	return s != NULL ? s : w->created;
}

/* The moment with `secs` of business time from it to the limit. */
static const char *
ago(struct ctx *x, long long secs)
{
	time_t	 lo = 0, hi = 120 * DAY, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (x->sv->work_between(x->r, fmt(x, x->limit - mid),
		    x->limit_s) >= secs)
			hi = mid;
		else
			lo = mid;
	}
	return fmt(x, x->limit - hi);
}

static const char *
login_of(struct ctx *x, long long id)
{
	size_t	 i;

	for (i = 0; i < x->d->nusers; i++)
		if (x->d->users[i].id == id)
			return x->d->users[i].login;
	return "system";
}

/* One statement on ticket id: ?1 the id, then texts (NULL: none). */
static int
exec3(struct ctx *x, const char *sql, long long id, const char *a,
    const char *b, const char *c)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = x->sv->sql(x->r, sql)) == NULL)
		return -1;
	x->sv->bind_int(st, 1, id);
	if (a != NULL)
		x->sv->bind_text(st, 2, a);
	if (b != NULL)
		x->sv->bind_text(st, 3, b);
	if (c != NULL)
		x->sv->bind_text(st, 4, c);
	rc = x->sv->step(st);
	x->sv->done(st);
	return rc == 0 ? 0 : -1;
}

/*
 * Date back what the last step wrote now (history lines, notices) to
 * when it happened, by whom.
 */
static int
dated(struct ctx *x, const struct walk *w, const char *when, const char *by,
    int notices)
{
	if (exec3(x, "UPDATE ticket_events SET at = ?2, by_login = ?3 WHERE"
	    " ticket = ?1 AND at >= ?4", w->id, when, by, x->t0) != 0)
		return -1;
	if (notices && exec3(x, "UPDATE ticket_notices SET created_at = ?2"
	    " WHERE ticket = ?1 AND created_at >= ?3", w->id, when, x->t0,
	    NULL) != 0)
		return -1;
	return 0;
}

static int
change(struct ctx *x, struct walk *w, const struct kiln_kv *kv, size_t n)
{
	char	 err[256];
	size_t	 i;

	if (x->sv->update(x->r, "ticket", w->id, kv, n, err,
	    sizeof(err)) != 0) {
		x->sv->log(KILN_LOG_ERR, "demo: ticket %lld refused: %s", w->id,
		    err);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (strcmp(kv[i].key, "status") == 0)
			snprintf(w->status, sizeof(w->status), "%s", kv[i].s);
		else if (strcmp(kv[i].key, "assignee") == 0)
			w->assignee = kv[i].i;
	return 0;
}

/* The address the customer writes from: the contact's, else its own. */
static const char *
address_of(struct ctx *x, long long id)
{
	struct kiln_stmt	*st;
	const char		*to = "";

	if ((st = x->sv->sql(x->r, "SELECT coalesce(nullif(k.email, ''),"
	    " c.email, '') FROM tickets t JOIN customers c ON c.id ="
	    " t.customer LEFT JOIN contacts k ON k.id = t.contact WHERE t.id"
	    " = ?1")) == NULL)
		return "";
	x->sv->bind_int(st, 1, id);
	if (x->sv->step(st) == 1)
		to = service_copy(x->r, x->sv, x->sv->col_text(st, 0));
	x->sv->done(st);
	return to;
}

/* An answer to the customer, in the history and as a notice. */
static int
answer(struct ctx *x, struct walk *w, const char *text)
{
	const struct kiln_services	*sv = x->sv;

	if (service_event(x->r, sv, w->id, "answer", "", "", text) != 0 ||
	    service_notice(x->r, sv, w->id, "answer", _("our answer"),
	    text) != 0)
		return -1;
	return 0;
}

/*
 * Back to work after a pause (the customer's reply, a reopening): the
 * resolution deadline moves by the business time paused, from
 * `before` to `after`; the history says so as the workflow does.
 */
static int
deadline_moved(struct ctx *x, struct walk *w, const char *before,
    const char *after)
{
	struct kiln_stmt	*st;
	long long		 n = 0;

	if (w->sb <= 0 || strcmp(before, after) == 0)
		return 0;
	if ((st = x->sv->sql(x->r, "SELECT count(*) FROM ticket_events WHERE"
	    " ticket = ?1 AND kind = 'deadline' AND note = 'resolution' AND"
	    " at >= ?2")) == NULL)
		return -1;
	x->sv->bind_int(st, 1, w->id);
	x->sv->bind_text(st, 2, x->t0);
	if (x->sv->step(st) == 1)
		n = x->sv->col_int(st, 0);
	x->sv->done(st);
	if (n == 0)
		return service_event(x->r, x->sv, w->id, "deadline", before,
		    after, "resolution");
	return exec3(x, "UPDATE ticket_events SET from_value = ?2, to_value"
	    " = ?3 WHERE ticket = ?1 AND kind = 'deadline' AND note ="
	    " 'resolution' AND at >= ?4", w->id, before, after, x->t0);
}

/*
 * A deadline of the ticket passed `late` business seconds before
 * `when`: what the service_escalate job does then, asking the
 * escalate rules the same questions.  A raised priority would re-time
 * the SLA this demo planned, so only the handover and the breach are
 * done here (the shipped rules ask nothing else of a passed deadline).
 */
static int
escalate(struct ctx *x, struct walk *w, int clock, const char *due,
    long long late, const char *when)
{
	const struct kiln_services	*sv = x->sv;
	struct service_asked		 a;
	struct kiln_kv			 kv[4];
	char				 detail[256];
	size_t				 i, k = 0;
	int				 act[SERVICE_ASK_N];

	if (service_ask_escalate(x->r, sv, w->id, clock, "passed", due, -late,
	    clock ? w->sb : w->rb, w->level, &a) != 0)
		return 0;	/* no rules: nobody would have acted */
	memcpy(act, a.yes, sizeof(act));
	i = (size_t)w->nesc++;
	w->esc[i].clock = clock;
	w->esc[i].at = when;
	snprintf(w->esc[i].actions, sizeof(w->esc[i].actions), "%s",
	    a.actions);
	if (!act[1] && !act[2])
		return 0;
	if (act[1] && x->lead != NULL && x->lead->id != w->assignee) {
		kv[k++] = (struct kiln_kv)KV_I("assignee", x->lead->id);
		if (strcmp(w->status, "new") == 0)
			kv[k++] = (struct kiln_kv)KV_S("status", "assigned");
	}
	if (act[2])
		kv[k++] = (struct kiln_kv)KV_I("breached", 1);
	kv[k++] = (struct kiln_kv)KV_I("escalated", ++w->level);
	snprintf(detail, sizeof(detail), "%s passed: %s",
	    service_clock_names[clock], w->esc[i].actions);
	if (service_event(x->r, sv, w->id, "escalation", "passed",
	    service_clock_names[clock], a.notes) != 0 || change(x, w, kv, k) != 0 ||
	    sv->audit(x->r, "escalate", "ticket", w->id, detail) != 0 ||
	    dated(x, w, when, "system", 0) != 0)
		return -1;
	return 0;
}

/* A share of n by a skewed draw: mostly low. */
static long long
low_share(struct ctx *x, long long n, unsigned lo_pct, unsigned hi_pct)
{
	unsigned	 u = rnd(x, 101);

	return n * (lo_pct + (hi_pct - lo_pct) * u * u / 10000) / 100;
}

static int
in_seal_wave(time_t created, time_t today)
{
	long	 days = (long)((today - created) / DAY);

	return days >= SEAL_FIXED && days <= SEAL_FROM;
}

/*
 * A finished ticket's life: how long each step took, in business
 * seconds from its arrival, fitted before now.  Missed deadlines come
 * from the draw (more in the months of the seal wave, when the desk
 * was stretched), then from the times as they are.
 */
static void
plan_history(struct ctx *x, const struct plan *p, const struct walk *w,
    int queue, struct timeline *t)
{
	const struct fault	*f = &faults[p->fault];
	long long		 rb = w->rb > 0 ? w->rb : 4 * HOUR;
	long long		 sb = w->sb > 0 ? w->sb : 40 * HOUR;
	long long		 lo, hi, active, pause = 0, k1000;
	unsigned		 wave = in_seal_wave(p->created, x->today);
	int			 late_r, late_s;

	late_r = rnd(x, 100) < (wave ? 8u : 3u);
	late_s = rnd(x, 100) < (wave ? 14u : 5u);
	t->answer = late_r ? rb * (110 + rnd(x, 190)) / 100 :
	    low_share(x, rb, 5, 85);
	if (t->answer < 300)
		t->answer = 300;
	t->take = -1;
	if (queue) {
		t->take = 300 + rnd(x, 2400);
		if (t->take > rb / 2)
			t->take = rb / 2;
		if (t->take >= t->answer - 60)
			t->take = t->answer / 2;
		t->by_lead = rnd(x, 10) == 0;
	}
	t->wait = t->resume = -1;
	if (rnd(x, 100) < wait_pct[f->type]) {
		t->wait = t->answer + 600 + rnd(x, 7200);
		if (t->wait < sb * 6 / 10) {
			pause = HOUR + rnd(x, 2 * WORKDAY);
			t->resume = t->wait + pause;
		} else
			t->wait = -1;
	}
	lo = (t->wait >= 0 ? t->wait : t->answer) + 1800;
	hi = sb * 92 / 100;
	if (late_s)
		active = sb * (105 + rnd(x, 80)) / 100;
	else if (lo < hi)
		active = lo + (hi - lo) * low_share(x, 1000, 10, 100) / 1000;
	else
		active = lo + rnd(x, 1800);
	if (active < lo)
		active = lo + rnd(x, 3600);
	t->resolve = active + pause;
	/* Some seal repairs come back: the first kit was of lot S-17 too. */
	t->first_resolve = t->reopen = -1;
	if (f->story == STORY_SEAL && !late_s && rnd(x, 100) < 20) {
		t->first_resolve = t->resolve;
		t->reopen = t->first_resolve + WORKDAY + rnd(x, 2 * WORKDAY);
		t->resolve = t->reopen + 2 * HOUR + rnd(x, WORKDAY);
	}
	/* Fit the life before now: what would still run is quicker. */
	if (t->resolve > t->elapsed - 600) {
		k1000 = (t->elapsed - 600) * 1000 / t->resolve;
#define FIT(v)	if ((v) >= 0) (v) = (v) * k1000 / 1000
		FIT(t->take);
		FIT(t->answer);
		FIT(t->wait);
		FIT(t->resume);
		FIT(t->first_resolve);
		FIT(t->reopen);
		FIT(t->resolve);
#undef FIT
	}
	t->close = t->resolve + 1800 + rnd(x, 3 * WORKDAY);
	t->rate = rnd(x, 100) < 70 ? t->close + 600 + rnd(x, 5 * WORKDAY) : -1;
	if (t->close > t->elapsed)
		t->close = t->rate = -1;
	if (t->rate > t->elapsed)
		t->rate = -1;
}

/* The escalations the times call for, where the job would have acted. */
static void
plan_escalations(struct ctx *x, const struct walk *w, struct timeline *t)
{
	long long	 paused = 0, due, after;

	t->esc_r = t->esc_s = t->reassign = -1;
	if (w->rb > 0 && t->answer > w->rb) {
		t->esc_r = w->rb + 60 + rnd(x, 840);
		if (t->esc_r >= t->answer || t->esc_r <= t->take)
			t->esc_r = -1;
	}
	if (t->resume >= 0)
		paused += t->resume - t->wait;
	if (t->reopen >= 0)
		paused += t->reopen - t->first_resolve;
	due = w->sb + paused;
	after = t->reopen >= 0 ? t->reopen : t->resume >= 0 ? t->resume :
	    t->wait >= 0 ? -1 : t->answer;
	if (w->sb > 0 && after >= 0 && (t->resolve < 0 || t->resolve > due)) {
		t->esc_s = due + 60 + rnd(x, 840);
		if (t->esc_s <= after || (t->resolve >= 0 &&
		    t->esc_s >= t->resolve) || t->esc_s > t->elapsed)
			t->esc_s = -1;
	}
	/* The lead hands it on, now and then, to an engineer. */
	if (t->esc_s >= 0 && t->resolve >= 0 && t->resolve - t->esc_s >
	    HOUR && rnd(x, 2) == 0)
		t->reassign = t->esc_s + 900;
}

/*
 * How an open ticket stands: the business time since it came in
 * (elapsed) and the steps done so far, per scenario.
 */
static void
plan_open(struct ctx *x, const struct plan *p, const struct walk *w,
    int queue, struct timeline *t)
{
	long long	 rb = w->rb > 0 ? w->rb : 4 * HOUR;
	long long	 sb = w->sb > 0 ? w->sb : 40 * HOUR;

	memset(t, 0xff, sizeof(*t));	/* every step -1 */
	t->by_lead = 0;
	if (queue)
		t->take = 300 + rnd(x, 900);
	t->answer = rb * (20 + rnd(x, 40)) / 100;
	if (t->take >= t->answer)
		t->take = t->answer / 2;
	switch (p->scenario) {
	case S_QUEUE_FRESH:
		t->elapsed = rb * (5 + rnd(x, 25)) / 100;
		t->take = t->answer = -1;
		break;
	case S_QUEUE_NEAR:
		t->elapsed = rb * (80 + rnd(x, 8)) / 100;
		t->take = t->answer = -1;
		break;
	case S_ASSIGNED:
		t->elapsed = rb * (25 + rnd(x, 30)) / 100;
		if (queue)
			t->take = t->elapsed / 3;
		t->answer = -1;
		break;
	case S_PROGRESS:
		t->elapsed = sb * (20 + rnd(x, 30)) / 100;
		break;
	case S_PROGRESS_NEAR:
		t->elapsed = sb * (80 + rnd(x, 8)) / 100;
		break;
	case S_PAST_DUE:
		t->elapsed = sb * (115 + rnd(x, 25)) / 100;
		break;
	case S_WAITING:
		t->wait = t->answer + 1800;
		t->elapsed = t->wait + WORKDAY + rnd(x, WORKDAY);
		break;
	case S_WAITING_SHORT:
		t->wait = t->answer + 1800;
		t->elapsed = t->wait + 2 * HOUR;
		break;
	default:	/* S_RESOLVED */
		t->elapsed = sb * (40 + rnd(x, 30)) / 100;
		t->resolve = t->elapsed - HOUR;
		break;
	}
}

static int
satisfaction(struct ctx *x, int unhappy)
{
	static const unsigned happy_w[] = { 3, 5, 12, 35, 45 };
	static const unsigned unhappy_w[] = { 15, 25, 32, 20, 8 };

	return 1 + (int)pick(x, unhappy ? unhappy_w : happy_w, 5);
}

static const char *
comment(struct ctx *x, int score)
{
	if (rnd(x, 100) >= 40)
		return "";
	if (score >= 4)
		return praise[rnd(x, N(praise))];
	if (score == 3)
		return so_so[rnd(x, N(so_so))];
	return blame[rnd(x, N(blame))];
}

/* Who filed it: the desk took the call, mail came in, the salesperson. */
static const char *
filed_by(struct ctx *x, const struct plan *p)
{
	if (p->channel == 1 || p->channel == 2)	/* e-mail, web */
		return "system";
	if (p->channel == 3 && p->cust->owner != 0)	/* at a visit */
		return login_of(x, p->cust->owner);
	return x->agent[rnd(x, (unsigned)x->nagents)]->login;
}

/* Make the ticket of plan p and walk it through its life. */
static int
ticket(struct ctx *x, const struct plan *p)
{
	const struct kiln_services	*sv = x->sv;
	const struct fault		*f = &faults[p->fault];
	struct kiln_stmt		*st;
	struct kiln_kv			 kv[10];
	struct timeline			 t;
	struct walk			 w;
	const char			*by, *due_r = "", *due_s = "", *s;
	const char			*resolved = "", *closed = "", *waiting = "";
	const char			*answered = "", *last;
	char				 err[256], note[8];
	long long			 paused = 0, took_r = -1, took_s = -1, id;
	long long			 more;
	size_t				 n = 0, i;
	int				 queue, late = 0, rc;

	memset(&w, 0, sizeof(w));
	memset(&t, 0xff, sizeof(t));	/* every step -1 */
	t.by_lead = 0;
	w.created = x->limit_s;
	if (p->scenario == S_HISTORY) {
		w.created = fmt(x, p->created);
		/*
		 * A life is weeks of business time at most: only a recent
		 * one needs fitting before now (and a year's walk is slow).
		 */
		t.elapsed = x->limit - p->created > LIFE_MAX ? LIFE_MAX :
		    sv->work_between(x->r, w.created, x->limit_s);
		if (t.elapsed < 2 * HOUR)
			return 0;	/* no time to live it */
	}
	kv[n++] = (struct kiln_kv)KV_S("subject", f->subject);
	kv[n++] = (struct kiln_kv)KV_I("customer", p->cust->id);
	if (p->contact != 0)
		kv[n++] = (struct kiln_kv)KV_I("contact", p->contact);
	if (p->product != 0)
		kv[n++] = (struct kiln_kv)KV_I("product", p->product);
	if (p->order != 0)
		kv[n++] = (struct kiln_kv)KV_I("order", p->order);
	kv[n++] = (struct kiln_kv)KV_S("description", f->description);
	kv[n++] = (struct kiln_kv)KV_S("type", type_names[f->type]);
	kv[n++] = (struct kiln_kv)KV_S("priority",
	    priority_names[p->priority]);
	kv[n++] = (struct kiln_kv)KV_S("channel", channel_names[p->channel]);
	if (sv->create(x->r, "ticket", kv, n, &id, err, sizeof(err)) != 0 ||
	    service_created(x->r, sv, id, err, sizeof(err)) != 0) {
		sv->log(KILN_LOG_ERR, "demo: a ticket of customer %lld refused:"
		    " %s", p->cust->id, err);
		return -1;
	}
	w.id = id;
	if ((st = sv->sql(x->r, "SELECT response_budget, resolution_budget,"
	    " status, coalesce(assignee, 0) FROM tickets WHERE id = ?1")) ==
	    NULL)
		return -1;
	sv->bind_int(st, 1, id);
	if (sv->step(st) == 1) {
		w.rb = sv->col_int(st, 0);
		w.sb = sv->col_int(st, 1);
		snprintf(w.status, sizeof(w.status), "%s", sv->col_text(st, 2));
		w.assignee = sv->col_int(st, 3);
	}
	sv->done(st);
	queue = w.assignee == 0;
	if (p->scenario == S_HISTORY) {
		plan_history(x, p, &w, queue, &t);
	} else {
		plan_open(x, p, &w, queue, &t);
		w.created = ago(x, t.elapsed);
		t.elapsed = sv->work_between(x->r, w.created, x->limit_s);
	}
	plan_escalations(x, &w, &t);
	if (dated(x, &w, w.created, filed_by(x, p), 1) != 0)
		return -1;
	last = w.created;

	/* Taken from the queue, or handed out by the lead. */
	if (t.take >= 0 && t.take <= t.elapsed) {
		const struct kiln_demo_user *who =
		    x->agent[rnd(x, (unsigned)x->nagents)];

		kv[0] = (struct kiln_kv)KV_I("assignee", who->id);
		kv[1] = (struct kiln_kv)KV_S("status", "assigned");
		by = t.by_lead && x->lead != NULL ? x->lead->login : who->login;
		last = at(x, &w, t.take);
		if (change(x, &w, kv, 2) != 0 || dated(x, &w, last, by, 0) != 0)
			return -1;
	}
	if (t.esc_r >= 0 && t.esc_r <= t.elapsed) {
		due_r = at(x, &w, w.rb);
		last = at(x, &w, t.esc_r);
		if (escalate(x, &w, 0, due_r, t.esc_r - w.rb, last) != 0)
			return -1;
	}
	/* The first answer: the first response; it starts the work. */
	if (t.answer >= 0 && t.answer <= t.elapsed && w.assignee != 0) {
		answered = last = at(x, &w, t.answer);
		n = 0;
		kv[n++] = (struct kiln_kv)KV_S("first_response_at", answered);
		if (strcmp(w.status, "assigned") == 0)
			kv[n++] = (struct kiln_kv)KV_S("status", "in_progress");
		if (answer(x, &w, first_answer[f->type] != NULL ?
		    first_answer[f->type] : f->action) != 0 ||
		    change(x, &w, kv, n) != 0 || dated(x, &w, answered,
		    login_of(x, w.assignee), 1) != 0)
			return -1;
		took_r = sv->work_between(x->r, w.created, answered);
	}
	/* Waiting on the customer: photos, the site, the goods. */
	if (t.wait >= 0 && t.wait <= t.elapsed &&
	    strcmp(w.status, "in_progress") == 0) {
		kv[0] = (struct kiln_kv)KV_S("status", "waiting_customer");
		waiting = last = at(x, &w, t.wait);
		if (answer(x, &w, ask[f->type]) != 0 ||
		    change(x, &w, kv, 1) != 0 || dated(x, &w, waiting,
		    login_of(x, w.assignee), 1) != 0)
			return -1;
	}
	if (t.resume >= 0 && t.resume <= t.elapsed &&
	    strcmp(w.status, "waiting_customer") == 0) {
		last = at(x, &w, t.resume);
		more = sv->work_between(x->r, waiting, last);
		kv[0] = (struct kiln_kv)KV_S("status", "in_progress");
		if (service_event(x->r, sv, id, "message", "", address_of(x, id),
		    reply_text[f->type]) != 0 || change(x, &w, kv, 1) != 0 ||
		    deadline_moved(x, &w, at(x, &w, w.sb + paused), at(x, &w,
		    w.sb + paused + more)) != 0 ||
		    dated(x, &w, last, "system", 0) != 0)
			return -1;
		paused += more;
		waiting = "";
	}
	/* Resolved once, and back: the first kit was of lot S-17 too. */
	if (t.first_resolve >= 0 && t.reopen <= t.elapsed &&
	    strcmp(w.status, "in_progress") == 0) {
		kv[0] = (struct kiln_kv)KV_S("status", "resolved");
		kv[1] = (struct kiln_kv)KV_S("cause", f->cause);
		kv[2] = (struct kiln_kv)KV_S("action_taken", "Replaced the"
		    " shaft seal kit; ran 1 h under load: tight.");
		kv[3] = (struct kiln_kv)KV_S("parts_used", "Seal kit A10V28");
		kv[4] = (struct kiln_kv)KV_I("time_spent", f->minutes);
		s = at(x, &w, t.first_resolve);
		if (change(x, &w, kv, 5) != 0 || dated(x, &w, s,
		    login_of(x, w.assignee), 1) != 0)
			return -1;
		last = at(x, &w, t.reopen);
		more = sv->work_between(x->r, s, last);
		kv[0] = (struct kiln_kv)KV_S("status", "in_progress");
		if (service_event(x->r, sv, id, "message", "", address_of(x, id),
		    "The pump leaks again, the same place.") != 0 ||
		    change(x, &w, kv, 1) != 0 || deadline_moved(x, &w, at(x,
		    &w, w.sb + paused), at(x, &w, w.sb + paused + more)) != 0 ||
		    dated(x, &w, last, "system", 0) != 0)
			return -1;
		paused += more;
	}
	if (t.esc_s >= 0 && t.esc_s <= t.elapsed) {
		due_s = at(x, &w, w.sb + paused);
		last = at(x, &w, t.esc_s);
		if (escalate(x, &w, 1, due_s, t.esc_s - w.sb - paused,
		    last) != 0)
			return -1;
	}
	if (t.reassign >= 0 && t.reassign <= t.elapsed && x->lead != NULL &&
	    w.assignee == x->lead->id) {
		kv[0] = (struct kiln_kv)KV_I("assignee",
		    x->agent[rnd(x, (unsigned)x->nagents)]->id);
		last = at(x, &w, t.reassign);
		if (kv[0].i != w.assignee && (change(x, &w, kv, 1) != 0 ||
		    dated(x, &w, last, x->lead->login, 0) != 0))
			return -1;
	}
	if (t.resolve >= 0 && t.resolve <= t.elapsed &&
	    (strcmp(w.status, "in_progress") == 0 ||
	    strcmp(w.status, "waiting_customer") == 0)) {
		kv[0] = (struct kiln_kv)KV_S("status", "resolved");
		kv[1] = (struct kiln_kv)KV_S("cause", f->cause);
		kv[2] = (struct kiln_kv)KV_S("action_taken",
		    t.first_resolve >= 0 ? "Replaced the seal kit again, now"
		    " with rev. B (FKM); the first repair had used a kit of"
		    " lot S-17. Ran 2 h under load: tight." : f->action);
		kv[3] = (struct kiln_kv)KV_S("parts_used", f->parts);
		kv[4] = (struct kiln_kv)KV_I("time_spent", (long long)f->minutes *
		    (70 + rnd(x, 80)) / 100);
		resolved = last = at(x, &w, t.resolve);
		if (change(x, &w, kv, 5) != 0 || dated(x, &w, resolved,
		    login_of(x, w.assignee), 1) != 0)
			return -1;
		took_s = sv->work_between(x->r, w.created, resolved) - paused;
		if (took_s < 0)
			took_s = 0;
	}
	if (t.close >= 0 && t.close <= t.elapsed &&
	    strcmp(w.status, "resolved") == 0) {
		kv[0] = (struct kiln_kv)KV_S("status", "closed");
		closed = last = at(x, &w, t.close);
		if (change(x, &w, kv, 1) != 0 || dated(x, &w, closed,
		    login_of(x, w.assignee), 1) != 0)
			return -1;
	}
	late = (w.rb > 0 && t.answer >= 0 && *answered != '\0' &&
	    t.answer > w.rb) || (w.sb > 0 && ((*resolved != '\0' &&
	    took_s > w.sb) || (*resolved == '\0' && t.elapsed - paused >
	    w.sb && *waiting == '\0')));
	/* The customer's rating, by the link of the closing notice. */
	if (t.rate >= 0 && t.rate <= t.elapsed && *closed != '\0') {
		int		 score = satisfaction(x, late ||
				    t.first_resolve >= 0);
		const char	*text = comment(x, score);

		snprintf(note, sizeof(note), "%d/5", score);
		kv[0] = (struct kiln_kv)KV_I("satisfaction", score);
		kv[1] = (struct kiln_kv)KV_S("feedback", text);
		last = at(x, &w, t.rate);
		if (service_event(x->r, sv, id, "note", "", note, text) != 0 ||
		    change(x, &w, kv, 2) != 0 ||
		    dated(x, &w, last, "system", 0) != 0 ||
		    exec3(x, "UPDATE ticket_feedback SET used_at = ?2 WHERE"
		    " ticket = ?1", id, last, NULL, NULL) != 0)
			return -1;
	}

	/* The ticket as it stands, dated back, its clocks in business time. */
	due_r = w.rb > 0 ? at(x, &w, w.rb) : "";
	due_s = w.sb > 0 ? at(x, &w, w.sb + paused) : "";
	if ((st = sv->sql(x->r, "UPDATE tickets SET created_at = ?2,"
	    " updated_at = ?3, first_response_at = ?4, resolved_at = ?5,"
	    " closed_at = ?6, paused = ?7, waiting_since = ?8, response_secs"
	    " = CASE WHEN ?9 >= 0 THEN ?9 END, resolution_secs = CASE WHEN"
	    " ?10 >= 0 THEN ?10 END, first_response_due = ?11,"
	    " resolution_due = ?12, breached = CASE WHEN ?13 = 1 THEN 1 ELSE"
	    " breached END WHERE id = ?1")) == NULL)
		return -1;
	sv->bind_int(st, 1, id);
	sv->bind_text(st, 2, w.created);
	sv->bind_text(st, 3, last);
	sv->bind_text(st, 4, answered);
	sv->bind_text(st, 5, resolved);
	sv->bind_text(st, 6, closed);
	sv->bind_int(st, 7, paused);
	sv->bind_text(st, 8, waiting);
	sv->bind_int(st, 9, took_r);
	sv->bind_int(st, 10, took_s);
	sv->bind_text(st, 11, due_r);
	sv->bind_text(st, 12, due_s);
	sv->bind_int(st, 13, late);
	rc = sv->step(st);
	sv->done(st);
	if (rc != 0)
		return -1;
	/* What the job did, so it does not act again on an open one. */
	for (i = 0; i < (size_t)w.nesc; i++) {
		if ((st = sv->sql(x->r, "INSERT INTO ticket_escalations (ticket,"
		    " clock, state, due, at, actions) VALUES (?1, ?2, 'passed',"
		    " ?3, ?4, ?5) ON CONFLICT (ticket, clock, state, due) DO"
		    " NOTHING")) == NULL)
			return -1;
		sv->bind_int(st, 1, id);
		sv->bind_text(st, 2, w.esc[i].clock ? "resolution" :
		    "first_response");
		sv->bind_text(st, 3, w.esc[i].clock ? due_s : due_r);
		sv->bind_text(st, 4, w.esc[i].at);
		sv->bind_text(st, 5, w.esc[i].actions);
		rc = sv->step(st);
		sv->done(st);
		if (rc != 0)
			return -1;
	}
	if (*closed != '\0') {
		long long	 days = sv->number(x->r, "feedback_days");

		if (days < 1)
			days = 30;
		if (exec3(x, "UPDATE ticket_feedback SET created_at = ?2,"
		    " expires_at = ?3 WHERE ticket = ?1", id, closed,
		    fmt(x, parse(closed) + (time_t)days * DAY), NULL) != 0)
			return -1;
	}
	/* Told the customer long ago; the open ones' wait for the desk. */
	if ((*resolved != '\0' || *closed != '\0') && exec3(x, "UPDATE"
	    " ticket_notices SET sent_at = created_at, sent_by = 'demo',"
	    " error = '', body = CASE WHEN kind = 'feedback' THEN '' ELSE"
	    " body END WHERE ticket = ?1 AND sent_at = ''", id, NULL, NULL,
	    NULL) != 0)
		return -1;
	return 0;
}

/* The catalogue, and which product each fault is about. */
static int
read_products(struct ctx *x)
{
	struct kiln_stmt	*st;
	struct product		*p;
	size_t			 i, k;

	if ((st = x->sv->sql(x->r, "SELECT id, sku, category FROM products"
	    " WHERE active = 1 ORDER BY id")) == NULL)
		return -1;
	while (x->nproducts < MAX_PRODUCTS && x->sv->step(st) == 1) {
		p = &x->products[x->nproducts++];
		p->id = x->sv->col_int(st, 0);
		snprintf(p->sku, sizeof(p->sku), "%s", x->sv->col_text(st, 1));
		snprintf(p->category, sizeof(p->category), "%s",
		    x->sv->col_text(st, 2));
	}
	x->sv->done(st);
	for (i = 0; i < NFAULTS; i++) {
		x->fault_ok[i] = faults[i].sku == NULL &&
		    faults[i].category == NULL;
		for (k = 0; k < x->nproducts; k++) {
			p = &x->products[k];
			if (faults[i].sku != NULL &&
			    strcmp(faults[i].sku, p->sku) == 0) {
				x->fault_product[i] = p->id;
				x->fault_ok[i] = 1;
			} else if (faults[i].category != NULL &&
			    strcmp(faults[i].category, p->category) == 0)
				x->fault_ok[i] = 1;
		}
	}
	return 0;
}

static const struct product *
product_by_id(struct ctx *x, long long id)
{
	size_t	 i;

	for (i = 0; i < x->nproducts; i++)
		if (x->products[i].id == id)
			return &x->products[i];
	return NULL;
}

static int
fault_fits(const struct fault *f, const struct product *p)
{
	return p != NULL && ((f->sku != NULL && strcmp(f->sku, p->sku) ==
	    0) || (f->sku == NULL && f->category != NULL &&
	    strcmp(f->category, p->category) == 0));
}

/*
 * What goes wrong for customer c at `created`: half the time with one
 * of the products it bought, else anything that fits it; a prospect
 * only asks.
 */
static size_t
choose_fault(struct ctx *x, const struct customer *c, time_t created)
{
	unsigned		 w[NFAULTS];
	const struct product	*own = NULL;
	long			 days = (long)((x->today - created) / DAY);
	size_t			 i, total = 0;
	int			 round;

	if (c->nbought > 0 && rnd(x, 2) == 0)
		own = product_by_id(x, c->bought[rnd(x, (unsigned)c->nbought)]);
	for (round = own != NULL ? 0 : 1; round < 2; round++) {
		total = 0;
		for (i = 0; i < NFAULTS; i++) {
			w[i] = x->fault_ok[i] ? faults[i].weight * 10 : 0;
			if (faults[i].story == STORY_SEAL)
				w[i] = w[i] * (days >= SEAL_FIXED && days <=
				    SEAL_FROM ? 40 : days < SEAL_FIXED ? 2 :
				    3) / 10;
			else if (faults[i].story == STORY_FIRMWARE)
				w[i] = w[i] * (days > FIRMWARE_FIXED ? 15 :
				    2) / 10;
			if (c->segment == SEG_PROSPECT &&
			    faults[i].type != T_QUESTION)
				w[i] = 0;
			if (round == 0 && !fault_fits(&faults[i], own))
				w[i] = 0;
			total += w[i];
		}
		if (total > 0)
			break;
	}
	return pick(x, w, NFAULTS);
}

/* The product and order of a ticket with fault fi of customer c. */
static void
choose_product(struct ctx *x, const struct customer *c, size_t fi,
    struct plan *p)
{
	const struct fault	*f = &faults[fi];
	long long		 cand[MAX_PRODUCTS];
	size_t			 i, n = 0;
	int			 k;

	p->product = p->order = 0;
	if (f->sku != NULL)
		p->product = x->fault_product[fi];
	else if (f->category != NULL) {
		for (k = 0; k < c->nbought; k++)
			if (fault_fits(f, product_by_id(x, c->bought[k])))
				cand[n++] = c->bought[k];
		if (n == 0)
			for (i = 0; i < x->nproducts; i++)
				if (strcmp(x->products[i].category,
				    f->category) == 0)
					cand[n++] = x->products[i].id;
		if (n > 0)
			p->product = cand[rnd(x, (unsigned)n)];
	}
	for (k = 0; k < c->nbought; k++)
		if (p->product != 0 && c->bought[k] == p->product)
			p->order = c->bought_in[k];
	if (p->order == 0 && c->norders > 0 && (f->type == T_INSTALLATION ||
	    f->type == T_RETURN || f->type == T_COMPLAINT) && rnd(x, 2) == 0)
		p->order = c->order[0];
}

/* Contacts, orders and what was ordered, of customer c. */
static int
read_customer(struct ctx *x, struct customer *c)
{
	const struct kiln_services	*sv = x->sv;
	struct kiln_stmt		*st;
	const struct kiln_kv		*rows;
	const char			*next;
	struct kiln_kv			 where[1];
	char				 err[256];
	size_t				 ncols, j;
	long				 nr, i;
	int				 k;

	if ((st = sv->sql(x->r, "SELECT id FROM contacts WHERE customer = ?1"
	    " ORDER BY id LIMIT 4")) == NULL)
		return -1;
	sv->bind_int(st, 1, c->id);
	while (c->ncontacts < 4 && sv->step(st) == 1)
		c->contact[c->ncontacts++] = sv->col_int(st, 0);
	sv->done(st);
	if ((st = sv->sql(x->r, "SELECT id FROM orders WHERE customer = ?1"
	    " AND status NOT IN ('cancelled', 'rejected') ORDER BY id DESC"
	    " LIMIT 3")) == NULL)
		return -1;
	sv->bind_int(st, 1, c->id);
	while (c->norders < 3 && sv->step(st) == 1)
		c->order[c->norders++] = sv->col_int(st, 0);
	sv->done(st);
	for (k = 0; k < c->norders; k++) {
		where[0] = (struct kiln_kv)KV_I("order", c->order[k]);
		if ((nr = sv->rows(x->r, "order_line", where, 1, &rows, &ncols,
		    &next, err, sizeof(err))) < 0) {
			sv->log(KILN_LOG_WARN, "demo: lines of order %lld: %s",
			    c->order[k], err);
			continue;
		}
		for (i = 0; i < nr && c->nbought < 8; i++)
			for (j = 0; j < ncols; j++) {
				const struct kiln_kv *kv = &rows[(size_t)i *
				    ncols + j];

				if (strcmp(kv->key, "product") != 0)
					continue;
				c->bought_in[c->nbought] = c->order[k];
				c->bought[c->nbought] = kv->type ==
				    KILN_KV_INT ? kv->i : kv->type ==
				    KILN_KV_STR ? strtoll(kv->s, NULL, 10) : 0;
				if (c->bought[c->nbought] != 0)
					c->nbought++;
			}
	}
	return 0;
}

/*
 * The newest d->scale customers (those the demo just made), each with
 * what it has; key accounts (two in three) and some projects get
 * their own engineer.
 */
static struct customer *
read_customers(struct ctx *x, size_t *n)
{
	const struct kiln_services	*sv = x->sv;
	struct kiln_stmt		*st;
	struct customer			*c, *all;
	struct kiln_kv			 kv[1];
	char				 err[256];
	size_t				 i, k;

	*n = 0;
	if ((all = calloc((size_t)x->d->scale + 1, sizeof(*all))) == NULL)
		return NULL;
	if ((st = sv->sql(x->r, "SELECT id, segment, coalesce(owner, 0),"
	    " coalesce(engineer, 0) FROM customers WHERE id >= (SELECT"
	    " coalesce(min(id), 0) FROM (SELECT id FROM customers ORDER BY id"
	    " DESC LIMIT ?1) AS newest) ORDER BY id LIMIT ?1")) == NULL) {
		free(all);
		return NULL;
	}
	sv->bind_int(st, 1, x->d->scale);
	while (*n < (size_t)x->d->scale && sv->step(st) == 1) {
		c = &all[(*n)++];
		c->id = sv->col_int(st, 0);
		for (k = 0; segment_rate[k].segment != NULL; k++)
			if (strcmp(segment_rate[k].segment,
			    sv->col_text(st, 1)) == 0)
				break;
		c->segment = (int)k;
		c->owner = sv->col_int(st, 2);
		c->engineer = sv->col_int(st, 3);
	}
	sv->done(st);
	for (i = 0; i < *n; i++) {
		c = &all[i];
		if (read_customer(x, c) != 0) {
			free(all);
			return NULL;
		}
		if (c->engineer != 0 || !((c->segment == SEG_KEY &&
		    rnd(x, 3) != 0) || (c->segment == SEG_PROJECT &&
		    rnd(x, 5) == 0)))
			continue;
		kv[0] = (struct kiln_kv)KV_I("engineer",
		    x->agent[rnd(x, (unsigned)x->nagents)]->id);
		if (sv->update(x->r, "customer", c->id, kv, 1, err,
		    sizeof(err)) == 0)
			c->engineer = kv[0].i;
		else
			sv->log(KILN_LOG_WARN, "demo: engineer of customer %lld:"
			    " %s", c->id, err);
	}
	return all;
}

/* A ticket of customer c: its fault, product, contact, channel... */
static void
fill_plan(struct ctx *x, const struct customer *c, struct plan *p)
{
	size_t	 type;

	p->cust = c;
	p->fault = choose_fault(x, c, p->created);
	choose_product(x, c, p->fault, p);
	type = (size_t)faults[p->fault].type;
	p->contact = c->ncontacts > 0 && rnd(x, 100) < 85 ?
	    c->contact[rnd(x, (unsigned)c->ncontacts)] : 0;
	p->channel = (int)pick(x, channel_w[type], 4);
	p->priority = (int)pick(x, priority_w[type], 4);
}

static int
by_time(const void *a, const void *b)
{
	const struct plan	*p = a, *q = b;

	if (p->created != q->created)
		return p->created < q->created ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/*
 * The year's tickets, oldest first (their ids follow time), then the
 * open ones: n plans in *out.
 */
static struct plan *
plan_year(struct ctx *x, const struct customer *cs, size_t nc, size_t *n)
{
	struct plan	*all = NULL, *p, *grown;
	size_t		 cap = 0, i, k, pick_c, rounds;
	unsigned	 many, j;
	time_t		 from = x->today - 365 * DAY, span = 362 * DAY, t;
	const char	*s;
	int		 sc;

	*n = 0;
	for (i = 0; i < nc; i++) {
		many = (segment_rate[cs[i].segment].rate10 *
		    (60 + rnd(x, 81)) / 100 + rnd(x, 10)) / 10;
		for (j = 0; j < many; j++) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 1024;
				if ((grown = realloc(all, cap *
				    sizeof(*all))) == NULL) {
					free(all);
					return NULL;
				}
				all = grown;
			}
			p = &all[*n];
			memset(p, 0, sizeof(*p));
			p->seq = (long long)(*n)++;
			p->scenario = S_HISTORY;
			/* Mostly in business hours, a message at any time. */
			t = from + (time_t)rnd(x, (unsigned)span);
			p->created = t;
			fill_plan(x, &cs[i], p);
			if ((p->channel != 1 && p->channel != 2) ||
			    rnd(x, 100) >= 30) {
				s = x->sv->work_add(x->r, fmt(x, t),
				    (long long)rnd(x, (unsigned)WORKDAY));
				if (s != NULL)
					p->created = parse(s);
			}
		}
	}
	qsort(all, *n, sizeof(*all), by_time);
	/* A handful open now, a few more for a large demo. */
	rounds = 1 + (size_t)x->d->scale / 500;
	if ((grown = realloc(all, (*n + rounds * S_NSCENARIOS + 1) *
	    sizeof(*all))) == NULL) {
		free(all);
		return NULL;
	}
	all = grown;
	for (k = 0; k < rounds; k++)
		for (sc = 0; sc < S_NSCENARIOS; sc++) {
			if (k > 0 && S_ONCE(sc))
				continue;
			/* A customer that buys; the assigned: its engineer. */
			for (j = 0, pick_c = 0; j < 50; j++) {
				pick_c = rnd(x, (unsigned)nc);
				if (cs[pick_c].segment != SEG_PROSPECT &&
				    (sc != S_ASSIGNED ||
				    cs[pick_c].engineer != 0))
					break;
			}
			p = &all[(*n)++];
			memset(p, 0, sizeof(*p));
			p->seq = (long long)*n;
			p->scenario = sc;
			p->created = x->limit;
			fill_plan(x, &cs[pick_c], p);
		}
	return all;
}

int
service_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	struct ctx	*x;
	struct customer	*cs = NULL;
	struct plan	*plans = NULL;
	size_t		 nc = 0, np = 0, i;
	int		 rc = -1;

	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->products = calloc(MAX_PRODUCTS, sizeof(*x->products))) ==
	    NULL) {
		free(x);
		return -1;
	}
	x->r = r;
	x->sv = sv;
	x->d = d;
	service_now(x->t0);
	/* Everything the demo dates lies a little before it began. */
	x->limit = parse(x->t0) - 120;
	snprintf(x->limit_s, sizeof(x->limit_s), "%s", fmt(x, x->limit));
	x->today = x->limit - x->limit % DAY;
	for (i = 0; i < d->nusers; i++) {
		if (strcmp(d->users[i].role, "service") == 0 &&
		    x->nagents < MAX_AGENTS)
			x->agent[x->nagents++] = &d->users[i];
	}
	/* The lead: a manager of the service engineers' team. */
	for (i = 0; i < d->nusers && x->nagents > 0; i++)
		if (strcmp(d->users[i].role, "manager") == 0 &&
		    *d->users[i].team != '\0' &&
		    strcmp(d->users[i].team, x->agent[0]->team) == 0)
			x->lead = &d->users[i];
	/* Without a desk, the administrator works the tickets. */
	for (i = 0; i < d->nusers && x->nagents == 0; i++)
		if (strcmp(d->users[i].role, "admin") == 0)
			x->agent[x->nagents++] = &d->users[i];
	if (x->nagents == 0 || d->scale < 1) {
		rc = 0;
		goto out;
	}
	if (read_products(x) != 0 ||
	    (cs = read_customers(x, &nc)) == NULL)
		goto out;
	if (nc == 0) {
		rc = 0;
		goto out;
	}
	if ((plans = plan_year(x, cs, nc, &np)) == NULL)
		goto out;
	for (i = 0; i < np; i++) {
		if (ticket(x, &plans[i]) != 0)
			goto out;
		if ((i + 1) % CHECKPOINT == 0 && d->checkpoint(d) == -1)
			goto out;
	}
	rc = 0;
out:
	free(plans);
	free(cs);
	free(x->products);
	free(x);
	return rc;
}
