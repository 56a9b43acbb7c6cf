/*
 * demo.c - sample customers of a maker of hydraulic and drive parts,
 * Chinese and foreign, with their contacts, for `kiln demo-data`.
 * Written through the host's create(), so they pass the same fields,
 * rules and audit as a form's; owned by the demo's salespeople.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "customers.h"

static const char *const cn_place[] = {
	"华东", "江苏", "浙江", "苏州", "宁波", "东莞", "佛山", "无锡",
	"青岛", "天津", "重庆", "成都", "常州", "温州", "台州", "昆山"
};
static const char *const cn_core[] = {
	"精密", "机电", "液压", "模具", "五金", "电子", "自动化", "重工",
	"汽车零部件", "新材料", "机械", "仪表", "轴承", "铸造", "泵阀",
	"电气", "塑胶", "传动"
};
static const char *const cn_suffix[] = {
	"有限公司", "股份有限公司", "制造有限公司", "科技有限公司",
	"工业有限公司"
};
static const char *const cn_city[] = {
	"上海", "苏州", "杭州", "宁波", "东莞", "佛山", "无锡", "青岛",
	"天津", "重庆", "成都", "常州", "深圳", "温州"
};
static const char *const en_first[] = {
	"Acme", "Apex", "Atlas", "Baltic", "Cobalt", "Delta", "Granite",
	"Harbor", "Keystone", "Meridian", "Northfield", "Pioneer", "Summit",
	"Titan", "Vanguard", "Westbrook", "Rhein", "Alpine", "Orion"
};
static const char *const en_core[] = {
	"Tools", "Machining", "Hydraulics", "Castings", "Components",
	"Automation", "Plastics", "Fasteners", "Bearings", "Electronics",
	"Metalworks", "Drives", "Valves"
};
static const char *const en_suffix[] = {
	"Ltd", "GmbH", "Inc.", "S.r.l.", "Co.", "AG", "Pty Ltd"
};
static const struct { const char *city, *country; } en_city[] = {
	{ "Stuttgart", "Germany" }, { "Milan", "Italy" },
	{ "Osaka", "Japan" }, { "Detroit", "United States" },
	{ "Lyon", "France" }, { "Birmingham", "United Kingdom" },
	{ "Busan", "South Korea" }, { "Monterrey", "Mexico" },
	{ "Pune", "India" }, { "Brno", "Czech Republic" },
};
static const char *const industries[] = {
	"Automotive", "Machinery", "Electronics", "Energy", "Construction",
	"Medical devices", "Packaging", "Aerospace", "Agriculture equipment"
};
static const char *const cn_surname[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"
};
static const char *const cn_given[] = {
	"伟", "娜", "敏", "洋", "静", "磊", "强", "丽", "杰", "芳", "军",
	"婷", "斌", "霞"
};
static const char *const en_given[] = {
	"Anna", "Marco", "Hiroshi", "Laura", "Pierre", "Sarah", "Jin-ho",
	"Carlos", "Priya", "Tomas", "Oliver", "Giulia"
};
static const char *const en_surname[] = {
	"Keller", "Rossi", "Tanaka", "Miller", "Dubois", "Clarke", "Park",
	"Garza", "Sharma", "Novak", "Wright", "Bianchi"
};
static const char *const cn_title[] = {
	"采购经理", "总经理", "技术总监", "质量工程师", "财务主管"
};
static const char *const en_title[] = {
	"Purchasing Manager", "Plant Manager", "Quality Engineer",
	"Head of Procurement", "Accounts Payable"
};

/* Segment, sales mode, terms it may have, credit range, how common. */
static const struct {
	const char	*segment;
	const char	*mode;
	const char	*terms[3];
	long		 credit_min;	/* in whole units */
	long		 credit_max;
	unsigned	 weight;
} segments[] = {
	{ "key_account", "relationship", { "net60", "net90", "net30" },
	  500000, 3000000, 8 },
	{ "channel_partner", "relationship", { "net30", "net60", "net60" },
	  200000, 1000000, 12 },
	{ "small_loyal", "transactional", { "net15", "net30", "net30" },
	  20000, 150000, 30 },
	{ "project", "relationship", { "prepaid", "net30", "net15" },
	  50000, 500000, 15 },
	{ "prospect", "transactional", { "prepaid", "prepaid", "prepaid" },
	  0, 0, 35 },
};

#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define PICK(d, a)	((a)[(d)->random((d), N(a))])
#define KV_S(k, v)	(struct kiln_kv){ (k), KILN_KV_STR, (v), 0 }
#define KV_I(k, v)	(struct kiln_kv){ (k), KILN_KV_INT, NULL, (v) }

/* One of the segments, as often as their weights say. */
static size_t
pick_segment(struct kiln_demo *d)
{
	unsigned	 total = 0, x;
	size_t		 i;

	for (i = 0; i < N(segments); i++)
		total += segments[i].weight;
	x = d->random(d, total);
	for (i = 0; i < N(segments); i++) {
		if (x < segments[i].weight)
			return i;
		x -= segments[i].weight;
	}
	return 0;
}

/* Formatted text that lives as long as the request. */
static const char *text(struct kiln_req *, const struct kiln_services *,
    const char *, ...) __attribute__((format(printf, 3, 4)));

static const char *
text(struct kiln_req *r, const struct kiln_services *sv, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = sv->alloc(r, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Create one record; a refusal is logged with what was refused. */
static int
make(struct kiln_req *r, const struct kiln_services *sv, const char *entity,
    const struct kiln_kv *kv, size_t n, long long *id)
{
	char	 err[256];

	if (sv->create(r, entity, kv, n, id, err, sizeof(err)) == 0)
		return 0;
	sv->log(KILN_LOG_ERR, "demo: %s %s refused: %s", entity, kv[0].s ?
	    kv[0].s : "", err);
	return -1;
}

/* One to three contacts of customer id (number i), the first primary. */
static int
add_contacts(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long id, int i, int cn)
{
	struct kiln_kv	 kv[6];
	long long	 cid;
	int		 k, n = 1 + (int)d->random(d, 3);

	for (k = 0; k < n; k++) {
		kv[0] = KV_S("name", cn ? text(r, sv, "%s%s%s",
		    PICK(d, cn_surname), PICK(d, cn_given), d->random(d, 2) ?
		    PICK(d, cn_given) : "") : text(r, sv, "%s %s",
		    PICK(d, en_given), PICK(d, en_surname)));
		kv[1] = KV_I("customer", id);
		kv[2] = KV_S("title", cn ? PICK(d, cn_title) :
		    PICK(d, en_title));
		kv[3] = KV_S("phone", text(r, sv, "+86 1%u %04u %04u",
		    30 + d->random(d, 60), d->random(d, 10000),
		    d->random(d, 10000)));
		kv[4] = KV_S("email", text(r, sv,
		    "contact%d@c%05d.example.com", k + 1, i + 1));
		kv[5] = KV_I("primary", k == 0);
		if (make(r, sv, "contact", kv, N(kv), &cid) == -1)
			return -1;
	}
	return 0;
}

/* Customer number i, owned by salesperson owner, with its contacts. */
static int
add_customer(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d, long long owner, int i)
{
	struct kiln_kv	 kv[14];
	const char	*city, *country;
	size_t		 s = pick_segment(d);
	int		 cn = d->random(d, 100) < 70, k;
	long		 credit = 0;
	long long	 id;

	if (segments[s].credit_max)
		credit = segments[s].credit_min + (long)d->random(d,
		    (unsigned)(segments[s].credit_max -
		    segments[s].credit_min)) / 1000 * 1000;
	if (cn) {
		kv[0] = KV_S("name", text(r, sv, "%s%s%s", PICK(d, cn_place),
		    PICK(d, cn_core), PICK(d, cn_suffix)));
		city = PICK(d, cn_city);
		country = "China";
	} else {
		kv[0] = KV_S("name", text(r, sv, "%s %s %s", PICK(d, en_first),
		    PICK(d, en_core), PICK(d, en_suffix)));
		k = (int)d->random(d, N(en_city));
		city = en_city[k].city;
		country = en_city[k].country;
	}
	kv[1] = KV_S("code", text(r, sv, "C%05d", i + 1));
	kv[2] = KV_S("segment", segments[s].segment);
	kv[3] = KV_S("sales_mode", segments[s].mode);
	kv[4] = KV_S("industry", PICK(d, industries));
	kv[5] = KV_I("owner", owner);
	kv[6] = KV_S("phone", cn ? text(r, sv, "+86 %u %04u %04u",
	    510 + d->random(d, 90), d->random(d, 10000),
	    d->random(d, 10000)) : text(r, sv, "+%u %u %07u",
	    30 + d->random(d, 60), 10 + d->random(d, 90),
	    d->random(d, 10000000)));
	kv[7] = KV_S("email", text(r, sv, "sales@c%05d.example.com", i + 1));
	kv[8] = KV_S("website", text(r, sv, "https://www.c%05d.example.com",
	    i + 1));
	kv[9] = KV_S("address", cn ? text(r, sv, "%s市工业园区%u号", city,
	    1 + d->random(d, 300)) : text(r, sv, "%u Industrial Way",
	    1 + d->random(d, 900)));
	kv[10] = KV_S("city", city);
	kv[11] = KV_S("country", country);
	kv[12] = KV_S("credit_limit", text(r, sv, "%ld", credit));
	kv[13] = KV_S("payment_terms", segments[s].terms[d->random(d, 3)]);
	if (make(r, sv, "customer", kv, N(kv), &id) == -1)
		return -1;
	return add_contacts(r, sv, d, id, i, cn);
}

/*
 * kiln_plugin.demo: d->scale customers, each owned by one of the
 * demo's salespeople, committed a thousand at a time.
 */
int
customers_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	long long	 sellers[64];
	unsigned	 nsellers = 0;
	size_t		 i;
	int		 c;

	for (i = 0; i < d->nusers && nsellers < N(sellers); i++)
		if (strcmp(d->users[i].role, "sales") == 0)
			sellers[nsellers++] = d->users[i].id;
	if (nsellers == 0) {
		sv->log(KILN_LOG_ERR, "demo: no salespeople to own customers");
		return -1;
	}
	for (c = 0; c < d->scale; c++) {
		if (add_customer(r, sv, d, sellers[d->random(d, nsellers)],
		    c) == -1)
			return -1;
		if (c % 1000 == 999 && d->checkpoint(d) == -1)
			return -1;
	}
	return 0;
}
