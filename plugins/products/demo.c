/*
 * demo.c - the sample catalogue of a maker of hydraulic and drive
 * components, for `kiln demo-data`, through the host's create().
 */
#include "products.h"

static const struct {
	const char	*sku;
	const char	*name;
	const char	*category;
	const char	*price;
	long long	 lead;		/* days */
} catalogue[] = {
	{ "HV-4WE6-24", "液压换向阀 4WE6 24V", "Hydraulic valves", "1280.00", 21 },
	{ "HV-4WE10-24", "液压换向阀 4WE10 24V", "Hydraulic valves", "1960.00", 28 },
	{ "HV-DBW10", "先导式溢流阀 DBW10", "Hydraulic valves", "1540.00", 21 },
	{ "HV-ZDR6", "叠加式减压阀 ZDR6", "Hydraulic valves", "860.00", 14 },
	{ "HP-A10V28", "Axial piston pump A10V28", "Hydraulic pumps", "9800.00", 45 },
	{ "HP-PV2R1", "叶片泵 PV2R1-19", "Hydraulic pumps", "2350.00", 30 },
	{ "HP-GP25", "Gear pump GP-25", "Hydraulic pumps", "640.00", 10 },
	{ "HC-63-200", "液压缸 63/45-200", "Cylinders", "1120.00", 20 },
	{ "HC-80-400", "Hydraulic cylinder 80/56-400", "Cylinders", "1890.00", 25 },
	{ "BR-6204-2RS", "深沟球轴承 6204-2RS", "Bearings", "18.50", 3 },
	{ "BR-6308-ZZ", "Deep groove ball bearing 6308-ZZ", "Bearings", "46.00", 3 },
	{ "BR-22212", "调心滚子轴承 22212 E", "Bearings", "310.00", 7 },
	{ "BR-30208", "Tapered roller bearing 30208", "Bearings", "62.00", 5 },
	{ "GM-R37-0.75", "斜齿轮减速电机 R37 0.75kW", "Gear motors", "3400.00", 35 },
	{ "GM-K67-4", "Bevel gear motor K67 4kW", "Gear motors", "8900.00", 42 },
	{ "GM-F47-1.5", "平行轴减速电机 F47 1.5kW", "Gear motors", "4650.00", 35 },
	{ "CS-HT250-B", "灰铸铁泵体 HT250", "Castings", "720.00", 40 },
	{ "CS-QT500-H", "Ductile iron housing QT500-7", "Castings", "1340.00", 45 },
	{ "SL-OR-50x3", "O形圈 50x3 NBR (100只)", "Seals", "45.00", 2 },
	{ "SL-TC-40-62", "Rotary shaft seal TC 40x62x8", "Seals", "9.80", 2 },
	{ "FS-M12x50-88", "外六角螺栓 M12x50 8.8级 (100只)", "Fasteners", "68.00", 2 },
	{ "FS-M16-NUT", "Hex nut M16 class 8 (100 pcs)", "Fasteners", "52.00", 2 },
	{ "CU-PLC-S7", "控制单元 PLC S7 兼容", "Control units", "5600.00", 30 },
	{ "CU-HMI-7", "HMI touch panel 7 inch", "Control units", "2980.00", 21 },
	{ "PU-HPU-5.5", "液压站 5.5kW 标准型", "Power units", "23800.00", 60 },
	{ "PU-HPU-11", "Hydraulic power unit 11 kW", "Power units", "41200.00", 75 },
	{ "SV-INSTALL", "现场安装调试 (人天)", "Services", "1800.00", 7 },
	{ "SV-TRAIN", "Operator training (day)", "Services", "2400.00", 14 },
};

/* Whether the catalogue has any product yet. */
static int
catalogue_empty(struct kiln_req *r, const struct kiln_services *sv)
{
	struct kiln_stmt	*st;
	int			 rc;

	if ((st = sv->sql(r, "SELECT 1 FROM products LIMIT 1")) == NULL)
		return -1;
	rc = sv->step(st);
	sv->done(st);
	return rc < 0 ? -1 : rc == 0;
}

/*
 * kiln_plugin.demo: the catalogue, once (a catalogue already there is
 * left alone, whatever the scale).
 */
int
products_demo(struct kiln_req *r, const struct kiln_services *sv,
    struct kiln_demo *d)
{
	struct kiln_kv	 kv[6];
	char		 err[256];
	long long	 id, price;
	size_t		 i;
	int		 empty;

	(void)d;
	if ((empty = catalogue_empty(r, sv)) <= 0)
		return empty;
	for (i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++) {
		kv[0] = (struct kiln_kv){ "sku", KILN_KV_STR,
		    catalogue[i].sku, 0 };
		kv[1] = (struct kiln_kv){ "name", KILN_KV_STR,
		    catalogue[i].name, 0 };
		kv[2] = (struct kiln_kv){ "category", KILN_KV_STR,
		    catalogue[i].category, 0 };
		kv[3] = (struct kiln_kv){ "unit_price", KILN_KV_STR,
		    catalogue[i].price, 0 };
		kv[4] = (struct kiln_kv){ "lead_time_days", KILN_KV_INT, NULL,
		    catalogue[i].lead };
		/*
		 * Costs of 50 to 78 % of the price: services and power units
		 * earn more than bearings and fasteners bought in.
		 */
		if (sv->parse_money(catalogue[i].price, &price) != 0)
			return -1;
		kv[5] = (struct kiln_kv){ "cost", KILN_KV_STR,
		    sv->money(r, price * (50 + (long long)(i * 11 % 29)) /
		    100), 0 };
		if (sv->create(r, "product", kv, 6, &id, err,
		    sizeof(err)) != 0) {
			sv->log(KILN_LOG_ERR, "demo: product %s refused: %s",
			    catalogue[i].sku, err);
			return -1;
		}
	}
	return 0;
}
