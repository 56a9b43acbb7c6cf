/*
 * demo.c - realistic sample data: a manufacturer's sales team and
 * their customers (Chinese and foreign) with contacts.  Written
 * through the same record code as the web forms, so demo data obeys
 * the same validation and rules.  A fixed seed makes it repeatable.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "entity.h"
#include "form.h"
#include "log.h"
#include "record.h"
#include "req.h"
#include "user.h"

struct demo_user {
	const char	*login;
	const char	*role;
	const char	*name;
	const char	*team;
	int		 sells;		/* owns customers */
};

static const struct demo_user team[] = {
	{ "admin", "admin", "System Administrator", "", 0 },
	{ "wang.fang", "manager", "王芳", "east", 0 },
	{ "li.wei", "sales", "李伟", "east", 1 },
	{ "zhou.tao", "sales", "周涛", "east", 1 },
	{ "sun.li", "manager", "孙丽", "south", 0 },
	{ "huang.jun", "sales", "黄军", "south", 1 },
	{ "john.smith", "sales", "John Smith", "export", 1 },
	{ "emma.muller", "sales", "Emma Müller", "export", 1 },
	{ "zhang.min", "finance", "张敏", "", 0 },
	{ "chen.jing", "service", "陈静", "", 0 },
	{ "liu.yang", "office", "刘洋", "", 0 },
};

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

/* The catalogue: a maker of hydraulic and drive components. */
static const struct {
	const char	*sku;
	const char	*name;
	const char	*category;
	const char	*price;
	const char	*lead;
} products[] = {
	{ "HV-4WE6-24", "液压换向阀 4WE6 24V", "Hydraulic valves", "1280.00", "21" },
	{ "HV-4WE10-24", "液压换向阀 4WE10 24V", "Hydraulic valves", "1960.00", "28" },
	{ "HV-DBW10", "先导式溢流阀 DBW10", "Hydraulic valves", "1540.00", "21" },
	{ "HV-ZDR6", "叠加式减压阀 ZDR6", "Hydraulic valves", "860.00", "14" },
	{ "HP-A10V28", "Axial piston pump A10V28", "Hydraulic pumps", "9800.00", "45" },
	{ "HP-PV2R1", "叶片泵 PV2R1-19", "Hydraulic pumps", "2350.00", "30" },
	{ "HP-GP25", "Gear pump GP-25", "Hydraulic pumps", "640.00", "10" },
	{ "HC-63-200", "液压缸 63/45-200", "Cylinders", "1120.00", "20" },
	{ "HC-80-400", "Hydraulic cylinder 80/56-400", "Cylinders", "1890.00", "25" },
	{ "BR-6204-2RS", "深沟球轴承 6204-2RS", "Bearings", "18.50", "3" },
	{ "BR-6308-ZZ", "Deep groove ball bearing 6308-ZZ", "Bearings", "46.00", "3" },
	{ "BR-22212", "调心滚子轴承 22212 E", "Bearings", "310.00", "7" },
	{ "BR-30208", "Tapered roller bearing 30208", "Bearings", "62.00", "5" },
	{ "GM-R37-0.75", "斜齿轮减速电机 R37 0.75kW", "Gear motors", "3400.00", "35" },
	{ "GM-K67-4", "Bevel gear motor K67 4kW", "Gear motors", "8900.00", "42" },
	{ "GM-F47-1.5", "平行轴减速电机 F47 1.5kW", "Gear motors", "4650.00", "35" },
	{ "CS-HT250-B", "灰铸铁泵体 HT250", "Castings", "720.00", "40" },
	{ "CS-QT500-H", "Ductile iron housing QT500-7", "Castings", "1340.00", "45" },
	{ "SL-OR-50x3", "O形圈 50x3 NBR (100只)", "Seals", "45.00", "2" },
	{ "SL-TC-40-62", "Rotary shaft seal TC 40x62x8", "Seals", "9.80", "2" },
	{ "FS-M12x50-88", "外六角螺栓 M12x50 8.8级 (100只)", "Fasteners", "68.00", "2" },
	{ "FS-M16-NUT", "Hex nut M16 class 8 (100 pcs)", "Fasteners", "52.00", "2" },
	{ "CU-PLC-S7", "控制单元 PLC S7 兼容", "Control units", "5600.00", "30" },
	{ "CU-HMI-7", "HMI touch panel 7 inch", "Control units", "2980.00", "21" },
	{ "PU-HPU-5.5", "液压站 5.5kW 标准型", "Power units", "23800.00", "60" },
	{ "PU-HPU-11", "Hydraulic power unit 11 kW", "Power units", "41200.00", "75" },
	{ "SV-INSTALL", "现场安装调试 (人天)", "Services", "1800.00", "7" },
	{ "SV-TRAIN", "Operator training (day)", "Services", "2400.00", "14" },
};

/* Segment, sales mode, the longest terms it may have, credit range. */
static const struct {
	const char	*segment;
	const char	*mode;
	const char	*terms[3];
	long		 credit_min;	/* in whole units */
	long		 credit_max;
	int		 weight;
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

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* xorshift64*: fixed seed, same data every time. */
static uint64_t	 seed = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return (uint32_t)((seed * 2685821657736338717ULL) >> 33) % n;
}

#define PICK(a)	((a)[rnd(N(a))])

static int
pick_segment(void)
{
	int	 i, total = 0, x;

	for (i = 0; i < (int)N(segments); i++)
		total += segments[i].weight;
	x = (int)rnd((uint32_t)total);
	for (i = 0; i < (int)N(segments); i++)
		if ((x -= segments[i].weight) < 0)
			return i;
	return 0;
}

static long long
add_users(struct app *app, const char *password, long long *sellers,
    int *nsellers)
{
	struct kiln_req	 r;
	struct user	 u;
	size_t		 i;
	int		 rc;

	*nsellers = 0;
	if (cli_req(&r, app, NULL) == -1)
		return -1;
	for (i = 0; i < N(team); i++) {
		rc = user_add(app->db, team[i].login, team[i].role,
		    team[i].name, team[i].team, password);
		if (rc == -1)
			goto fail;
		if (user_by_login(app->db, r.arena, team[i].login, &u) != 0)
			goto fail;
		if (team[i].sells)
			sellers[(*nsellers)++] = u.id;
		printf("  %-12s %-8s %s%s%s\n", team[i].login, team[i].role,
		    team[i].name, *team[i].team ? ", team " : "",
		    team[i].team);
	}
	cli_req_free(&r);
	return 0;
fail:
	cli_req_free(&r);
	return -1;
}

/* Set one field from text, as a form would. */
static void
put(struct kiln_req *r, struct kvlist *in, const char *k, const char *v)
{
	form_add(r->arena, in, k, v);
}

static int
save(struct kiln_req *r, const struct entity *e, struct kvlist *in,
    long long *id)
{
	struct record	 rec;
	struct ferrs	 fe = { .n = 0 };
	const char	*msg = NULL;
	enum rec_err	 err;

	record_defaults(r, e, &rec);
	if ((err = record_apply(r, e, &rec, in, &fe)) == REC_OK &&
	    (err = record_check(r, e, &rec, &fe, &msg)) == REC_OK &&
	    (err = record_insert(r, e, &rec, &fe)) == REC_OK &&
	    audit_record(r, "create", e, NULL, &rec) == -1)
		err = REC_ERROR;
	if (err != REC_OK) {
		fprintf(stderr, "kiln: demo %s refused: %s %s %s\n",
		    e->d->name, msg ? msg : "",
		    fe.n && fe.v[0].field ? fe.v[0].field : "",
		    fe.n ? fe.v[0].msg : "");
		return -1;
	}
	*id = rec.id;
	return 0;
}

static long long	 product_count(struct app *);

/* A draft order of one to three lines for customer id, now and then. */
static int
add_order(struct kiln_req *r, long long customer, long long owner)
{
	const struct entity	*o, *l;
	struct kvlist		 in;
	long long		 id, lid, nprod;
	int			 k, n;

	if ((o = entity_by_name(r->app, "order")) == NULL ||
	    (l = entity_by_name(r->app, "order_line")) == NULL ||
	    (nprod = product_count(r->app)) == 0)
		return 0;
	memset(&in, 0, sizeof(in));
	put(r, &in, "customer", arena_printf(r->arena, "%lld", customer));
	put(r, &in, "owner", arena_printf(r->arena, "%lld", owner));
	put(r, &in, "requested_date", arena_printf(r->arena, "2027-%02u-%02u",
	    1 + rnd(12), 1 + rnd(28)));
	if (save(r, o, &in, &id) == -1)
		return -1;
	n = 1 + (int)rnd(3);
	for (k = 0; k < n; k++) {
		memset(&in, 0, sizeof(in));
		put(r, &in, "order", arena_printf(r->arena, "%lld", id));
		put(r, &in, "product", arena_printf(r->arena, "%lld",
		    1 + (long long)rnd((uint32_t)nprod)));
		put(r, &in, "quantity", arena_printf(r->arena, "%u",
		    1 + rnd(50)));
		put(r, &in, "discount_pct", arena_printf(r->arena, "%u",
		    rnd(4) == 0 ? 5 * rnd(4) : 0));
		if (save(r, l, &in, &lid) == -1)
			return -1;
	}
	return 0;
}

static int
add_customer(struct kiln_req *r, const struct entity *cust,
    const struct entity *cont, long long owner, int i)
{
	struct kvlist	 in = { NULL, 0, 0 };
	const char	*name, *city, *country;
	int		 s = pick_segment(), cn = rnd(100) < 70, k, n;
	long		 credit;
	long long	 id, cid;

	if (cn) {
		name = arena_printf(r->arena, "%s%s%s", PICK(cn_place),
		    PICK(cn_core), PICK(cn_suffix));
		city = PICK(cn_city);
		country = "China";
	} else {
		k = (int)rnd(N(en_city));
		name = arena_printf(r->arena, "%s %s %s", PICK(en_first),
		    PICK(en_core), PICK(en_suffix));
		city = en_city[k].city;
		country = en_city[k].country;
	}
	credit = segments[s].credit_max ? segments[s].credit_min +
	    (long)rnd((uint32_t)(segments[s].credit_max -
	    segments[s].credit_min)) / 1000 * 1000 : 0;
	put(r, &in, "name", name);
	put(r, &in, "code", arena_printf(r->arena, "C%05d", i + 1));
	put(r, &in, "segment", segments[s].segment);
	put(r, &in, "sales_mode", segments[s].mode);
	put(r, &in, "industry", PICK(industries));
	put(r, &in, "owner", arena_printf(r->arena, "%lld", owner));
	put(r, &in, "phone", cn ? arena_printf(r->arena, "+86 %u %04u %04u",
	    510 + rnd(90), rnd(10000), rnd(10000)) :
	    arena_printf(r->arena, "+%u %u %07u", 30 + rnd(60), 10 + rnd(90),
	    rnd(10000000)));
	put(r, &in, "email", arena_printf(r->arena, "sales@c%05d.example.com",
	    i + 1));
	put(r, &in, "website", arena_printf(r->arena,
	    "https://www.c%05d.example.com", i + 1));
	put(r, &in, "address", cn ? arena_printf(r->arena,
	    "%s市工业园区%u号", city, 1 + rnd(300)) :
	    arena_printf(r->arena, "%u Industrial Way", 1 + rnd(900)));
	put(r, &in, "city", city);
	put(r, &in, "country", country);
	put(r, &in, "credit_limit", arena_printf(r->arena, "%ld", credit));
	put(r, &in, "payment_terms", segments[s].terms[rnd(3)]);
	if (save(r, cust, &in, &id) == -1)
		return -1;
	if (s != 4 && rnd(3) == 0 && add_order(r, id, owner) == -1)
		return -1;
	n = 1 + (int)rnd(3);
	for (k = 0; k < n; k++) {
		struct kvlist	 c = { NULL, 0, 0 };

		put(r, &c, "customer", arena_printf(r->arena, "%lld", id));
		put(r, &c, "name", cn ? arena_printf(r->arena, "%s%s%s",
		    PICK(cn_surname), PICK(cn_given), rnd(2) ? PICK(cn_given) :
		    "") : arena_printf(r->arena, "%s %s", PICK(en_given),
		    PICK(en_surname)));
		put(r, &c, "title", cn ? PICK(cn_title) : PICK(en_title));
		put(r, &c, "phone", arena_printf(r->arena, "+86 1%u %04u %04u",
		    30 + rnd(60), rnd(10000), rnd(10000)));
		put(r, &c, "email", arena_printf(r->arena,
		    "contact%d@c%05d.example.com", k + 1, i + 1));
		put(r, &c, "primary", k == 0 ? "1" : "0");
		put(r, &c, "owner", arena_printf(r->arena, "%lld", owner));
		if (save(r, cont, &c, &cid) == -1)
			return -1;
	}
	return 0;
}

static long long
product_count(struct app *app)
{
	sqlite3_stmt	*st;
	long long	 n = 0;

	if (entity_by_name(app, "product") == NULL ||
	    (st = db_stmt(app->db, "SELECT count(*) FROM products")) == NULL)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	db_done(st);
	return n;
}

/* The catalogue, once: products already there are left alone. */
static int
add_products(struct kiln_req *r)
{
	const struct entity	*e;
	struct kvlist		 in;
	long long		 id;
	size_t			 i;

	if ((e = entity_by_name(r->app, "product")) == NULL)
		return 0;	/* the products plugin is not installed */
	for (i = 0; i < N(products); i++) {
		memset(&in, 0, sizeof(in));
		put(r, &in, "sku", products[i].sku);
		put(r, &in, "name", products[i].name);
		put(r, &in, "category", products[i].category);
		put(r, &in, "unit_price", products[i].price);
		put(r, &in, "lead_time_days", products[i].lead);
		if (save(r, e, &in, &id) == -1)
			return -1;
	}
	printf("%zu products added\n", N(products));
	return 0;
}

int
demo_fill(struct app *app, int customers, const char *password)
{
	const struct entity	*cust, *cont;
	struct kiln_req		 r;
	long long		 sellers[N(team)];
	int			 nsellers, i, rc = -1;

	if ((cust = entity_by_name(app, "customer")) == NULL ||
	    (cont = entity_by_name(app, "contact")) == NULL) {
		fprintf(stderr, "kiln: the customers plugin is not loaded\n");
		return -1;
	}
	printf("demo users (all with the password given):\n");
	if (db_begin(app->db) != DB_OK)
		return -1;
	if (add_users(app, password, sellers, &nsellers) == -1 ||
	    nsellers == 0)
		goto out;
	if (cli_req(&r, app, NULL) == -1)
		goto out;
	if (product_count(app) == 0 && add_products(&r) == -1) {
		cli_req_free(&r);
		goto out;
	}
	for (i = 0; i < customers; i++) {
		if (add_customer(&r, cust, cont, sellers[rnd((uint32_t)nsellers)],
		    i) == -1)
			break;
		/* Commit in batches: one fsync per thousand, not per row. */
		if (i % 1000 == 999) {
			arena_reset(r.arena);
			if (db_commit(app->db) != DB_OK ||
			    db_begin(app->db) != DB_OK)
				break;
		}
	}
	cli_req_free(&r);
	if (i == customers) {
		rc = db_commit(app->db) == DB_OK ? 0 : -1;
		if (rc == 0)
			printf("%d customers with contacts added\n", customers);
		return rc;
	}
out:
	db_rollback(app->db);
	return rc;
}
