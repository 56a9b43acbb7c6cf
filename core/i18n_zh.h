/*
 * i18n_zh.h - Simplified Chinese catalogue.  Keep sorted by msgid
 * (byte order, as strcmp): tests/unit/test_i18n checks it.
 */
static const struct msg zh_catalogue[] = {
	{ "Add", "新增" },
	{ "Cancel", "取消" },
	{ "Customer", "客户" },
	{ "Customers", "客户" },
	{ "Delete", "删除" },
	{ "Edit", "编辑" },
	{ "Log in", "登录" },
	{ "Log out", "退出" },
	{ "Next page", "下一页" },
	{ "Save", "保存" },
	{ "Search", "搜索" },
	{ "is required", "为必填项" },
};
